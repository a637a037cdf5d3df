package dev.lethe.store.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * An Ed25519 key of a C2SP signed note: signs checkpoints and formats the verifier key.
 *
 * <p>The key id is the first four bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key); a
 * signature line reads {@code "— <name> <base64(key id ‖ signature)>"}. Instances are immutable;
 * {@link #sign} is thread-safe (a fresh {@link Signature} per call). A key without its private
 * half only verifies.
 */
public final class NoteKey {

  /** The DER prefix of an X.509 SubjectPublicKeyInfo holding a raw Ed25519 key. */
  private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private static final String SIGNATURE_PREFIX = "\u2014 ";

  private final String name;
  private final byte[] rawPublicKey;
  private final PublicKey publicKey;
  private final PrivateKey privateKey;

  private NoteKey(String name, PublicKey publicKey, PrivateKey privateKey) {
    if (name.isEmpty() || name.chars().anyMatch(c -> c == '+' || Character.isWhitespace(c))) {
      throw new IllegalArgumentException("a note key name has no '+' and no white space: \"" + name + "\"");
    }
    this.name = name;
    this.publicKey = publicKey;
    this.privateKey = privateKey;
    byte[] x509 = publicKey.getEncoded();
    this.rawPublicKey = Arrays.copyOfRange(x509, x509.length - 32, x509.length);
  }

  /** A key named {@code name} from a key pair. */
  public static NoteKey of(String name, KeyPair pair) {
    return new NoteKey(name, pair.getPublic(), pair.getPrivate());
  }

  /** A verify-only key from a raw 32-byte Ed25519 public key. */
  public static NoteKey verifier(String name, byte[] rawPublicKey) {
    if (rawPublicKey.length != 32) {
      throw new IllegalArgumentException("a raw Ed25519 public key has 32 bytes");
    }
    byte[] x509 = new byte[X509_PREFIX.length + 32];
    System.arraycopy(X509_PREFIX, 0, x509, 0, X509_PREFIX.length);
    System.arraycopy(rawPublicKey, 0, x509, X509_PREFIX.length, 32);
    try {
      return new NoteKey(name, KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(x509)), null);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an Ed25519 public key", e);
    }
  }

  /**
   * Loads the key pair stored in {@code file}, creating it on first use. Creation is atomic: the
   * pair is written to a temporary file and linked into place, so two processes starting at once
   * end up with the same key.
   *
   * @throws IOException if the file cannot be read or written, or holds no Ed25519 key pair
   */
  public static KeyPair loadOrCreate(Path file) throws IOException {
    if (!Files.exists(file)) {
      create(file);
    }
    return load(file);
  }

  /**
   * Writes a fresh key pair to {@code file} (owner-only, whole or not at all) unless the file
   * already exists, and returns what the file then holds.
   *
   * @throws IOException if the file cannot be read or written, or holds no Ed25519 key pair
   */
  static KeyPair create(Path file) throws IOException {
    KeyPair pair;
    try {
      pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK always has Ed25519", e);
    }
    String text =
        Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n"
            + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()) + "\n";
    Secrets.publish(file, text.getBytes(StandardCharsets.US_ASCII));
    return load(file);
  }

  /**
   * Reads the key pair stored in {@code file}.
   *
   * @throws IOException if the file cannot be read or holds no Ed25519 key pair
   */
  public static KeyPair load(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
    try {
      KeyFactory kf = KeyFactory.getInstance("Ed25519");
      PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(lines.get(0))));
      PublicKey pub = kf.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(lines.get(1))));
      return new KeyPair(pub, priv);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IOException(file + " does not hold an Ed25519 key pair", e);
    }
  }

  /** The key name (for the log: its origin). */
  public String name() {
    return name;
  }

  /** The raw 32-byte public key. */
  public byte[] rawPublicKey() {
    return rawPublicKey.clone();
  }

  /** The 4-byte key id. */
  public byte[] keyId() {
    MessageDigest md = Merkle.sha256();
    md.update(name.getBytes(StandardCharsets.UTF_8));
    md.update((byte) 0x0A);
    md.update((byte) 0x01);
    md.update(rawPublicKey);
    return Arrays.copyOf(md.digest(), 4);
  }

  /** The verifier key line: {@code <name>+<hex key id>+<base64(0x01 ‖ public key)>}. */
  public String verifierKey() {
    byte[] typed = new byte[33];
    typed[0] = 0x01;
    System.arraycopy(rawPublicKey, 0, typed, 1, 32);
    return name + "+" + Merkle.hex(keyId()) + "+" + Base64.getEncoder().encodeToString(typed);
  }

  /**
   * Signs a checkpoint: the note text, an empty line and one signature line.
   *
   * @throws IllegalStateException if this key has no private half
   */
  public String sign(Checkpoint checkpoint) {
    return checkpoint.body() + "\n" + signatureLine(checkpoint);
  }

  /**
   * Signs a checkpoint with several keys: the note text, an empty line and one signature line per
   * key, in the order given. A key rotation's checkpoint is signed so, by the retiring and the new
   * key.
   *
   * @throws IllegalArgumentException if no key is given
   * @throws IllegalStateException if a key has no private half
   */
  public static String signAll(Checkpoint checkpoint, List<NoteKey> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("a signed note needs at least one signature");
    }
    StringBuilder note = new StringBuilder(checkpoint.body()).append('\n');
    for (NoteKey key : keys) {
      note.append(key.signatureLine(checkpoint));
    }
    return note.toString();
  }

  private String signatureLine(Checkpoint checkpoint) {
    if (privateKey == null) {
      throw new IllegalStateException("key " + name + " only verifies");
    }
    byte[] signature;
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(privateKey);
      s.update(checkpoint.bodyBytes());
      signature = s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
    byte[] idAndSig = new byte[4 + signature.length];
    System.arraycopy(keyId(), 0, idAndSig, 0, 4);
    System.arraycopy(signature, 0, idAndSig, 4, signature.length);
    return SIGNATURE_PREFIX + name + " " + Base64.getEncoder().encodeToString(idAndSig) + "\n";
  }

  /**
   * Whether a signature line of the note claims to be this key's (its name and key id), whether
   * or not the signature verifies: a retired key must not even appear on a later checkpoint.
   */
  public boolean claims(String note) {
    int split = note.indexOf("\n\n");
    if (split < 0) {
      return false;
    }
    String prefix = SIGNATURE_PREFIX + name + " ";
    for (String line : note.substring(split + 2).split("\n")) {
      if (line.startsWith(prefix)) {
        byte[] idAndSig;
        try {
          idAndSig = Base64.getDecoder().decode(line.substring(prefix.length()));
        } catch (IllegalArgumentException e) {
          continue;
        }
        if (idAndSig.length >= 4 && Arrays.equals(Arrays.copyOf(idAndSig, 4), keyId())) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether {@code other} has the same name and public key. */
  public boolean sameKey(NoteKey other) {
    return name.equals(other.name) && Arrays.equals(rawPublicKey, other.rawPublicKey);
  }

  /**
   * Opens a signed note: checks that one of its signature lines is this key's and verifies.
   *
   * @return the checkpoint the note signs
   * @throws IllegalArgumentException naming what is wrong with the note
   */
  public Checkpoint open(String note) {
    Objects.requireNonNull(note, "note");
    int split = note.indexOf("\n\n");
    if (split < 0 || !note.endsWith("\n")) {
      throw new IllegalArgumentException("not a signed note: no empty line before the signatures");
    }
    String body = note.substring(0, split + 1);
    Checkpoint checkpoint = Checkpoint.parse(body);
    byte[] id = keyId();
    for (String line : note.substring(split + 2).split("\n")) {
      if (!line.startsWith(SIGNATURE_PREFIX)) {
        throw new IllegalArgumentException("malformed signature line: " + line);
      }
      String[] parts = line.substring(SIGNATURE_PREFIX.length()).split(" ");
      if (parts.length != 2 || !parts[0].equals(name)) {
        continue;
      }
      byte[] idAndSig = Base64.getDecoder().decode(parts[1]);
      if (idAndSig.length != 68 || !Arrays.equals(Arrays.copyOf(idAndSig, 4), id)) {
        continue;
      }
      try {
        Signature s = Signature.getInstance("Ed25519");
        s.initVerify(publicKey);
        s.update(body.getBytes(StandardCharsets.UTF_8));
        if (s.verify(Arrays.copyOfRange(idAndSig, 4, 68))) {
          return checkpoint;
        }
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException("signature cannot be checked", e);
      }
      throw new IllegalArgumentException("the signature of " + name + " does not verify");
    }
    throw new IllegalArgumentException("no signature by " + name);
  }
}
