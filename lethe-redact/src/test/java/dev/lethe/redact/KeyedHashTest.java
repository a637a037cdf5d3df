package dev.lethe.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The pseudonym's MAC and its input: {@link KeyedHash} is HMAC-SHA-256 as the JDK computes it, for
 * keys shorter, as long as and longer than a block and for messages across block boundaries; and
 * {@link PolicyRedactor#identityBytes} is the UTF-8 of {@link TextFold#pseudonymIdentity}.
 */
class KeyedHashTest {

  @Property(tries = 500)
  void isTheJdksHmacSha256(@ForAll @Size(min = 1, max = 150) byte[] key, @ForAll @Size(max = 40) byte[] first,
      @ForAll @Size(max = 200) byte[] second) throws GeneralSecurityException {
    Mac jdk = Mac.getInstance("HmacSHA256");
    jdk.init(new SecretKeySpec(key, "HmacSHA256"));
    jdk.update(first);
    byte[] expected = jdk.doFinal(second);

    KeyedHash mine = new KeyedHash(key);
    assertThat(mine.mac(first, second)).isEqualTo(expected);
    assertThat(mine.mac(first, second)).as("a second MAC starts from the key again").isEqualTo(expected);
  }

  @Test
  void rfc4231TestCase2() {
    // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
    byte[] mac = new KeyedHash("Jefe".getBytes(StandardCharsets.US_ASCII))
        .mac("what do ya ".getBytes(StandardCharsets.US_ASCII), "want for nothing?".getBytes(StandardCharsets.US_ASCII));
    assertThat(java.util.HexFormat.of().formatHex(mac))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  @Provide
  Arbitrary<String> values() {
    // ASCII with every kind of whitespace and case, and some values beyond ASCII (the general path).
    return Arbitraries.strings()
        .withChars(" \t\n\r\u000b\f\u001c\u001fAbZz09-'.")
        .withChars('\u00e9', '\u00c9', '\u00a0', '\u2003', '\u0130', '\u03c2', '\u03a3')
        .ofMaxLength(24);
  }

  @Property(tries = 3000)
  void identityBytesAreTheFoldInUtf8(@ForAll("values") String value) {
    assertThat(PolicyRedactor.identityBytes(value))
        .isEqualTo(TextFold.pseudonymIdentity(value).getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 1000)
  void identityBytesOfAsciiAreTheFoldInUtf8(@ForAll("asciiValues") String value) {
    assertThat(PolicyRedactor.identityBytes(value))
        .isEqualTo(TextFold.pseudonymIdentity(value).getBytes(StandardCharsets.UTF_8));
  }

  @Provide
  Arbitrary<String> asciiValues() {
    return Arbitraries.strings().ascii().ofMaxLength(30);
  }
}
