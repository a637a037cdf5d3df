package dev.lethe.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ErasedNameKeyTest {
  private static final ErasedNameKey KEY = ErasedNameKey.derive("a deployment secret".getBytes(StandardCharsets.UTF_8));

  @Test
  void sipHashGivesThePublishedTestVectors() {
    // Appendix A of the SipHash paper: key 00..0f; messages 00..(n-1).
    byte[] key = new byte[16];
    for (int i = 0; i < 16; i++) {
      key[i] = (byte) i;
    }
    SipHash sip = new SipHash(key);
    assertThat(sip.hash(new byte[0])).isEqualTo(0x726fdb47dd0e0e31L);
    byte[] fifteen = new byte[15];
    for (int i = 0; i < 15; i++) {
      fifteen[i] = (byte) i;
    }
    assertThat(sip.hash(fifteen)).isEqualTo(0xa129ca6149be45e5L);
  }

  @Test
  void hashingCharsIsHashingTheirUtf16LittleEndianBytes() {
    SipHash sip = new SipHash("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    String[] texts = {"", "a", "ab", "abc", "abcd", "abcde", "zoë müller", "\u4e2d\u6587 name", "x\ud83d\ude00y"};
    for (String t : texts) {
      char[] padded = ("##" + t + "#").toCharArray();
      assertThat(sip.hash(padded, 2, 2 + t.length())).as(t).isEqualTo(sip.hash(t.getBytes(StandardCharsets.UTF_16LE)));
    }
  }

  @Test
  void aDigestIsOfTheFoldedNameAndTellsItsWords() {
    NameDigest d = KEY.digest("Zoë  Müller").orElseThrow();
    assertThat(d.words()).isEqualTo(2);
    assertThat(d.keyId()).isEqualTo(KEY.id());
    assertThat(KEY.digest(" zoe muller ")).contains(d);
    char[] folded = "say hi to zoe muller".toCharArray();
    assertThat(KEY.hash(folded, 10, folded.length)).isEqualTo(d.hash());
    assertThat(KEY.digest("Zoe Mueller")).isNotEqualTo(KEY.digest("Zoe Muller"));
    assertThat(KEY.digest("Q")).isEmpty();
    assertThat(KEY.digest("(Q).")).isEmpty();
    assertThat(KEY.digest("(Zoë Müller).")).contains(d);
    assertThat(KEY.digest("Zoë-Müller")).isNotEqualTo(KEY.digest("Zoë Müller"));
    assertThat(KEY.digest("a b c d e f g h").orElseThrow()).isEqualTo(KEY.digest("a b c d e f").orElseThrow());
  }

  @Test
  void keysDifferByDeploymentAndDigestsSayWhichKeyMadeThem() {
    ErasedNameKey other = ErasedNameKey.derive("another deployment secret".getBytes(StandardCharsets.UTF_8));
    assertThat(other.id()).isNotEqualTo(KEY.id());
    NameDigest theirs = other.digest("Jane Roe").orElseThrow();
    assertThat(theirs.hash()).isNotEqualTo(KEY.digest("Jane Roe").orElseThrow().hash());
    KEY.check(KEY.digest("Jane Roe").orElseThrow());
    assertThatThrownBy(() -> KEY.check(theirs))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(other.id())
        .hasMessageContaining(KEY.id());
    assertThatThrownBy(() -> ErasedNameKey.derive(new byte[15])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theWrittenFormRoundTripsAndAnythingElseIsRefusedByName() {
    NameDigest d = KEY.digest("Jane Roe").orElseThrow();
    assertThat(d.toString()).matches("sip24:[0-9a-f]{8}:2:[0-9a-f]{16}");
    assertThat(NameDigest.parse(d.toString())).isEqualTo(d);
    NameDigest high = new NameDigest("0123abcd", 6, -1L);
    assertThat(NameDigest.parse(high.toString())).isEqualTo(high);
    for (String bad : new String[] {"", "Jane Roe", "sip24:0123abcd:0:0000000000000000", "sip24:0123abcd:7:0000000000000000",
        "sip24:0123ABCD:2:0000000000000000", "sip24:0123abcd:2:000000000000000", "sha256:0123abcd:2:0000000000000000"}) {
      assertThatThrownBy(() -> NameDigest.parse(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("\"" + bad + "\"");
    }
  }

  @Test
  void theCodecReadsADigestAndRefusesAMalformedOneOrOneBesideAName() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    String base = "{\"type\":\"member.registered\",\"at\":\"2024-01-01T00:00:00Z\",\"member\":\"m1\",\"country\":\"GB\","
        + "\"birth_date\":\"1990-02-03\"";
    String digest = KEY.digest("Jane Roe").orElseThrow().toString();
    LedgerEvent.MemberRegistered e = (LedgerEvent.MemberRegistered) EventCodec.decode(
        mapper.readTree(base + ",\"name_digest\":\"" + digest + "\"}"));
    assertThat(e.nameDigest()).hasToString(digest);
    assertThatThrownBy(() -> EventCodec.decode(mapper.readTree(base + ",\"name_digest\":\"Jane Roe\"}")))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("\"name_digest\"");
    assertThatThrownBy(() -> EventCodec.decode(
            mapper.readTree(base + ",\"name\":\"Jane Roe\",\"name_digest\":\"" + digest + "\"}")))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("exclude each other");
    ObjectNode encoded = EventCodec.encode(e);
    assertThat(encoded.get("name_digest").textValue()).isEqualTo(digest);
  }
}
