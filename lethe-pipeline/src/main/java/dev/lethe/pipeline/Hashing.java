package dev.lethe.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers shared by snapshots, models and forgetting. Stateless. */
public final class Hashing {

  private Hashing() {}

  /** A new SHA-256 digest. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  /** Lowercase hex SHA-256 of the bytes. */
  public static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  /** Lowercase hex SHA-256 of the UTF-8 bytes of the text. */
  public static String sha256Hex(String text) {
    return sha256Hex(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Lowercase hex SHA-256 of everything left in the stream (not closed). */
  public static String sha256Hex(InputStream in) throws IOException {
    MessageDigest digest = sha256();
    byte[] buffer = new byte[1 << 16];
    for (int n; (n = in.read(buffer)) > 0; ) {
      digest.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Lowercase hex SHA-256 of a file's bytes. */
  public static String sha256Hex(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return sha256Hex(in);
    }
  }
}
