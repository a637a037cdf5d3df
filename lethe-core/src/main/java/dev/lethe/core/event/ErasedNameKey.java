package dev.lethe.core.event;

import dev.lethe.core.text.Folding;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key erased members' {@link NameDigest name digests} are made under, derived from the
 * deployment's snapshot secret, so the store that purges a name and the snapshot build that looks
 * for it derive the same key without another secret to keep. The digest of a name is keyed
 * because names are few: an unkeyed hash of one is undone by hashing a list of names. Whoever
 * holds the key can still test a guessed name, so it is as secret as the deployment key.
 *
 * <p>A digest is the SipHash-2-4 of the name's {@link Folding#foldForIdentity identity} (UTF-16LE),
 * the same folded form redaction compares texts in, so a digest matches exactly where the name
 * itself would have. Immutable and thread-safe.
 */
public final class ErasedNameKey {
  private static final String KEY_LABEL = "lethe/erased-name-digest/1";
  private static final String ID_LABEL = "lethe/erased-name-digest/1/id";

  private final SipHash sip;
  private final String id;

  private ErasedNameKey(byte[] sipKey, String id) {
    this.sip = new SipHash(sipKey);
    this.id = id;
  }

  /**
   * The key of a deployment.
   *
   * @param deploymentSecret the deployment's snapshot secret (at least 16 bytes), the one snapshot
   *     pseudonym keys derive from
   * @throws IllegalArgumentException if the secret is shorter than 16 bytes
   */
  public static ErasedNameKey derive(byte[] deploymentSecret) {
    Objects.requireNonNull(deploymentSecret, "deploymentSecret");
    if (deploymentSecret.length < 16) {
      throw new IllegalArgumentException("the deployment secret must have at least 16 bytes");
    }
    byte[] sipKey = Arrays.copyOf(hmac(deploymentSecret, KEY_LABEL), 16);
    String id = HexFormat.of().formatHex(hmac(deploymentSecret, ID_LABEL), 0, 4);
    return new ErasedNameKey(sipKey, id);
  }

  private static byte[] hmac(byte[] key, String label) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK always has HmacSHA256", e);
    }
  }

  /** The key's id, written in each digest made under it: 8 hex digits, which tell nothing of the key. */
  public String id() {
    return id;
  }

  /**
   * The digest of a display name, or empty when redaction would not look for the name anyway (its
   * folded form has fewer than two characters, which would match initials everywhere). The folded
   * name is trimmed to its first and last {@linkplain #isEdge edge} chars ("(Ada Lovelace)." is
   * digested as "ada lovelace"), so redaction tries only stretches of text that start and end
   * with one. A name of more than {@value NameDigest#MAX_WORDS} words is digested by its first
   * {@value NameDigest#MAX_WORDS}.
   */
  public Optional<NameDigest> digest(String displayName) {
    Objects.requireNonNull(displayName, "displayName");
    String folded = Folding.foldForIdentity(displayName);
    int from = 0;
    int to = folded.length();
    while (from < to && !isEdge(folded.charAt(from))) {
      from++;
    }
    while (to > from && !isEdge(folded.charAt(to - 1))) {
      to--;
    }
    int words = 1;
    for (int i = from; i < to; i++) {
      if (folded.charAt(i) == ' ' && ++words > NameDigest.MAX_WORDS) {
        words = NameDigest.MAX_WORDS;
        to = i;
        while (to > from && !isEdge(folded.charAt(to - 1))) {
          to--;
        }
        break;
      }
    }
    if (folded.codePointCount(from, to) < 2) {
      return Optional.empty();
    }
    char[] chars = folded.toCharArray();
    return Optional.of(new NameDigest(id, words, sip.hash(chars, from, to)));
  }

  /**
   * Whether a folded char may start or end a digested name: a {@linkplain Folding#isWordChar word
   * char}, or half of a surrogate pair (a letter beyond the Basic Multilingual Plane, say).
   */
  public static boolean isEdge(char c) {
    return Folding.isWordChar(c) || Character.isSurrogate(c);
  }

  /**
   * The keyed hash of folded text {@code chars[from, to)}: equal to a digest's {@link
   * NameDigest#hash} exactly when the text is that name's folded form (up to 64-bit collisions).
   */
  public long hash(char[] chars, int from, int to) {
    return sip.hash(chars, from, to);
  }

  /**
   * Checks that a digest was made under this key.
   *
   * @throws IllegalArgumentException naming both key ids if it was not: such a digest can never
   *     match, so a name it stands for would go unprotected
   */
  public void check(NameDigest digest) {
    if (!digest.keyId().equals(id)) {
      throw new IllegalArgumentException("the erased-name digest " + digest + " was made under key "
          + digest.keyId() + ", not this deployment's key " + id
          + ": it comes from another deployment, whose key is needed to honour that erasure");
    }
  }
}
