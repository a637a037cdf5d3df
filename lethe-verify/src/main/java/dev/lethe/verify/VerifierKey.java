package dev.lethe.verify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A C2SP signed-note verifier key of type Ed25519: {@code <name>+<hex key id>+<base64(0x01 ||
 * 32-byte public key)>}.
 *
 * @param name the key name, which for a Lethe log equals the checkpoint origin
 * @param keyId the 4-byte key id, SHA-256(name || 0x0A || 0x01 || public key)[0:4]
 * @param rawPublicKey the 32-byte Ed25519 public key
 * @param publicKey the same key as a JDK key, ready to verify
 */
public record VerifierKey(String name, byte[] keyId, byte[] rawPublicKey, PublicKey publicKey) {

  /** Signed-note signature type byte for Ed25519. */
  static final byte ED25519_TYPE = 0x01;

  private static final int RAW_KEY_SIZE = 32;
  private static final int SIGNATURE_SIZE = 64;
  // DER SubjectPublicKeyInfo prefix for an Ed25519 key (RFC 8410): SEQUENCE { SEQUENCE { OID
  // 1.3.101.112 }, BIT STRING (32 bytes) }. The JDK only accepts X.509-encoded public keys.
  private static final byte[] X509_ED25519_PREFIX =
      HexFormat.of().parseHex("302a300506032b6570032100");

  /**
   * Parses and validates a verifier key line (one trailing newline allowed).
   *
   * @throws VerificationFailure when the text is malformed, the type is not Ed25519, the key id
   *     does not match the name and key, or the JDK rejects the key
   */
  public static VerifierKey parse(String text) throws VerificationFailure {
    String line = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    int firstPlus = line.indexOf('+');
    int secondPlus = firstPlus < 0 ? -1 : line.indexOf('+', firstPlus + 1);
    if (firstPlus < 0 || secondPlus < 0) {
      throw new VerificationFailure("verifier key is not of the form <name>+<key id>+<key>");
    }
    String name = line.substring(0, firstPlus);
    String idHex = line.substring(firstPlus + 1, secondPlus);
    if (!KeyNames.isValid(name)) {
      throw new VerificationFailure("verifier key name '" + name + "' is not a valid key name");
    }
    if (!idHex.matches("[0-9a-f]{8}")) {
      throw new VerificationFailure("verifier key id '" + idHex + "' is not 8 lowercase hex digits");
    }
    byte[] typed = Encodings.base64(line.substring(secondPlus + 1), "verifier key material");
    if (typed.length != 1 + RAW_KEY_SIZE || typed[0] != ED25519_TYPE) {
      throw new VerificationFailure(
          "verifier key is not an Ed25519 key (expected 0x01 followed by 32 bytes)");
    }
    byte[] raw = Arrays.copyOfRange(typed, 1, typed.length);
    byte[] keyId = keyId(name, raw);
    if (!Encodings.hex(keyId).equals(idHex)) {
      throw new VerificationFailure("verifier key id " + idHex
          + " does not match its name and key (computed " + Encodings.hex(keyId) + ")");
    }
    return new VerifierKey(name, keyId, raw, toJdkKey(raw));
  }

  /** The key id of an Ed25519 key: SHA-256(name || 0x0A || 0x01 || key)[0:4]. */
  public static byte[] keyId(String name, byte[] rawPublicKey) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(name.getBytes(StandardCharsets.UTF_8));
      sha256.update((byte) '\n');
      sha256.update(ED25519_TYPE);
      sha256.update(rawPublicKey);
      return Arrays.copyOf(sha256.digest(), 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** The key in its one-line text form, e.g. for reports. */
  public String text() {
    byte[] typed = new byte[1 + RAW_KEY_SIZE];
    typed[0] = ED25519_TYPE;
    System.arraycopy(rawPublicKey, 0, typed, 1, RAW_KEY_SIZE);
    return name + "+" + Encodings.hex(keyId) + "+" + Encodings.base64(typed);
  }

  /** Whether a signature line claims to be made by this key. */
  public boolean matches(NoteSignature signature) {
    return signature.keyName().equals(name) && Arrays.equals(signature.keyId(), keyId);
  }

  /** Whether {@code signature} is a valid Ed25519 signature by this key over {@code message}. */
  public boolean verifies(byte[] message, byte[] signature) {
    if (signature.length != SIGNATURE_SIZE) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(publicKey);
      verifier.update(message);
      return verifier.verify(signature);
    } catch (SignatureException | InvalidKeyException e) {
      return false;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Ed25519 is not available in this JDK", e);
    }
  }

  private static PublicKey toJdkKey(byte[] raw) throws VerificationFailure {
    byte[] encoded = new byte[X509_ED25519_PREFIX.length + raw.length];
    System.arraycopy(X509_ED25519_PREFIX, 0, encoded, 0, X509_ED25519_PREFIX.length);
    System.arraycopy(raw, 0, encoded, X509_ED25519_PREFIX.length, raw.length);
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
    } catch (GeneralSecurityException e) {
      throw new VerificationFailure("verifier key is not a valid Ed25519 key: " + e.getMessage());
    }
  }

  // Records compare arrays by identity; compare by content so equal keys are equal.
  @Override
  public boolean equals(Object other) {
    return other instanceof VerifierKey k && name.equals(k.name)
        && Arrays.equals(rawPublicKey, k.rawPublicKey);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(rawPublicKey);
  }

  @Override
  public String toString() {
    return text();
  }
}
