package dev.lethe.verify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;

/** A test-only C2SP note signer with a fresh Ed25519 key pair. */
final class TestSigner {

  private final String name;
  private final KeyPair keys;
  private final byte[] rawPublicKey;
  private final byte[] keyId;

  TestSigner(String name) {
    this.name = name;
    try {
      keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    byte[] encoded = keys.getPublic().getEncoded();
    // X.509 SubjectPublicKeyInfo of Ed25519 ends with the 32 raw key bytes.
    rawPublicKey = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
    keyId = VerifierKey.keyId(name, rawPublicKey);
  }

  String name() {
    return name;
  }

  /** The verifier key line, as key.vkey holds it. */
  String verifierKey() {
    byte[] typed = new byte[33];
    typed[0] = 0x01;
    System.arraycopy(rawPublicKey, 0, typed, 1, 32);
    return name + "+" + Encodings.hex(keyId) + "+" + Base64.getEncoder().encodeToString(typed)
        + "\n";
  }

  /** A signed note of {@code text} with this key's single signature line. */
  String sign(String text) {
    return text + "\n" + signatureLine(text);
  }

  String signatureLine(String text) {
    try {
      Signature signer = Signature.getInstance("Ed25519");
      signer.initSign(keys.getPrivate());
      signer.update(text.getBytes(StandardCharsets.UTF_8));
      byte[] signature = signer.sign();
      byte[] blob = new byte[4 + signature.length];
      System.arraycopy(keyId, 0, blob, 0, 4);
      System.arraycopy(signature, 0, blob, 4, signature.length);
      return "\u2014 " + name + " " + Base64.getEncoder().encodeToString(blob) + "\n";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
