package dev.lethe.verify;

import java.util.Arrays;

/**
 * One signature line of a signed note: {@code — <key name> <base64(key id || signature)>}.
 *
 * @param keyName the name the signer claims
 * @param keyId the 4-byte key id the signer claims
 * @param signature the signature bytes (64 for Ed25519)
 */
public record NoteSignature(String keyName, byte[] keyId, byte[] signature) {

  // Records compare arrays by identity; compare by content so equal lines are equal.
  @Override
  public boolean equals(Object other) {
    return other instanceof NoteSignature s && keyName.equals(s.keyName)
        && Arrays.equals(keyId, s.keyId) && Arrays.equals(signature, s.signature);
  }

  @Override
  public int hashCode() {
    return (keyName.hashCode() * 31 + Arrays.hashCode(keyId)) * 31 + Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "NoteSignature[" + keyName + "+" + Encodings.hex(keyId) + "]";
  }
}
