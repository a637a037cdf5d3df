package dev.lethe.core.event;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What erasure keeps of a member's display name: a keyed digest of its folded form, so redaction
 * can still find the name in other members' posts while the name itself is gone. Written {@code
 * sip24:<key id>:<words>:<hash>}: the {@link ErasedNameKey#id() id} of the key it was made under
 * (8 hex digits), the number of words of the folded name (1 to {@value #MAX_WORDS}; redaction
 * looks at stretches of text of that many words), and the 64-bit SipHash-2-4 (16 hex digits).
 *
 * @param keyId the id of the key the digest was made under
 * @param words the words of the folded name
 * @param hash the keyed hash of the folded name
 */
public record NameDigest(String keyId, int words, long hash) {
  /** Prefix of the written form. */
  public static final String SCHEME = "sip24";

  /**
   * Longest name, in words, a digest is made of. Redaction's work per text grows with it; a
   * longer display name is kept whole by nobody, and its first words are digested instead.
   */
  public static final int MAX_WORDS = 6;

  private static final Pattern FORM = Pattern.compile("sip24:[0-9a-f]{8}:[1-6]:[0-9a-f]{16}");

  public NameDigest {
    Objects.requireNonNull(keyId, "keyId");
    if (!keyId.matches("[0-9a-f]{8}")) {
      throw new IllegalArgumentException("a key id is 8 lower-case hex digits, not \"" + keyId + "\"");
    }
    if (words < 1 || words > MAX_WORDS) {
      throw new IllegalArgumentException("a name digest covers 1 to " + MAX_WORDS + " words, not " + words);
    }
  }

  /**
   * Reads the written form.
   *
   * @throws IllegalArgumentException naming the value if it is not a name digest
   */
  public static NameDigest parse(String text) {
    Objects.requireNonNull(text, "text");
    if (!FORM.matcher(text).matches()) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not an erased-name digest (sip24:<8 hex>:<words 1-6>:<16 hex>)");
    }
    return new NameDigest(text.substring(6, 14), text.charAt(15) - '0', Long.parseUnsignedLong(text.substring(17), 16));
  }

  @Override
  public String toString() {
    return SCHEME + ":" + keyId + ":" + words + ":" + String.format("%016x", hash);
  }
}
