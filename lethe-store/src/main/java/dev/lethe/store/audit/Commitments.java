package dev.lethe.store.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed commitments to personal values: {@code "hmac-sha256:<hex>"} of a value under the
 * deployment key. The audit log holds commitments instead of member ids and other personal data,
 * so erasing a member means deleting the ledger rows (or the key), never rewriting signed leaves;
 * whoever holds the key can still show which leaves concern a given member. Immutable and
 * thread-safe (a fresh {@link Mac} per call).
 */
public final class Commitments {

  /** Prefix of every commitment string. */
  public static final String PREFIX = "hmac-sha256:";

  /** Length in bytes of a deployment key. */
  public static final int KEY_LENGTH = 32;

  private final byte[] key;

  /**
   * @param key the deployment key, {@link #KEY_LENGTH} bytes
   * @throws IllegalArgumentException if the key has another length
   */
  public Commitments(byte[] key) {
    if (key.length != KEY_LENGTH) {
      throw new IllegalArgumentException("a deployment key has " + KEY_LENGTH + " bytes, not " + key.length);
    }
    this.key = key.clone();
  }

  /** A fresh random deployment key. */
  public static byte[] newKey() {
    byte[] k = new byte[KEY_LENGTH];
    new SecureRandom().nextBytes(k);
    return k;
  }

  /**
   * Loads the deployment key kept in {@code file}, creating it on first use (written whole or not
   * at all, readable by the owner only).
   *
   * @throws IOException if the file cannot be read or written, or does not hold a key
   */
  public static byte[] loadOrCreateKey(Path file) throws IOException {
    if (!Files.exists(file)) {
      Secrets.publish(file, newKey());
    }
    return loadKey(file);
  }

  /**
   * Loads the deployment key kept in {@code file}, which must exist; creates nothing.
   *
   * @throws java.nio.file.NoSuchFileException if there is no such file
   * @throws IOException if the file cannot be read or does not hold a key
   */
  public static byte[] loadKey(Path file) throws IOException {
    byte[] key = Files.readAllBytes(file);
    if (key.length != KEY_LENGTH) {
      throw new IOException(file + " does not hold a " + KEY_LENGTH + "-byte deployment key");
    }
    return key;
  }

  /**
   * Writes a deployment key to a new file, readable by the owner only (mode 0600 where the file
   * system is POSIX), whole or not at all; the file's directory is created if missing.
   *
   * @param key the deployment key, {@link #KEY_LENGTH} bytes
   * @throws java.nio.file.FileAlreadyExistsException if {@code file} exists (it is left as it was)
   * @throws IOException if the file cannot be written
   * @throws IllegalArgumentException if the key has another length
   */
  public static void writeNewKey(Path file, byte[] key) throws IOException {
    Objects.requireNonNull(file, "file");
    if (key.length != KEY_LENGTH) {
      throw new IllegalArgumentException("a deployment key has " + KEY_LENGTH + " bytes, not " + key.length);
    }
    Secrets.create(file, key);
  }

  /** The commitment to a string (UTF-8), for example a member id. */
  public String commit(String value) {
    Objects.requireNonNull(value, "value");
    return commit(value.getBytes(StandardCharsets.UTF_8));
  }

  /** The commitment to bytes. */
  public String commit(byte[] value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return PREFIX + Merkle.hex(mac.doFinal(value));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK always has HmacSHA256", e);
    }
  }
}
