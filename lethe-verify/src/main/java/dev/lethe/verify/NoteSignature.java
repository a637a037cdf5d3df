package dev.lethe.verify;

/**
 * One signature line of a signed note: {@code — <key name> <base64(key id || signature)>}.
 *
 * @param keyName the name the signer claims
 * @param keyId the 4-byte key id the signer claims
 * @param signature the signature bytes (64 for Ed25519)
 */
public record NoteSignature(String keyName, byte[] keyId, byte[] signature) {}
