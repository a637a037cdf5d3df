package dev.lethe.verify;

import java.util.Base64;
import java.util.HexFormat;

/** Strict decoders: a bundle value must have exactly one accepted spelling. */
final class Encodings {

  private static final HexFormat HEX = HexFormat.of();

  private Encodings() {}

  /**
   * Decodes standard, padded base64 and rejects any other spelling of the same bytes (missing
   * padding, non-zero trailing bits), so two different files can never carry the same value.
   */
  static byte[] base64(String text, String what) throws VerificationFailure {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new VerificationFailure(what + " is not valid base64: " + e.getMessage());
    }
    if (!Base64.getEncoder().encodeToString(bytes).equals(text)) {
      throw new VerificationFailure(what + " is not canonical padded base64");
    }
    return bytes;
  }

  /** Lowercase hex, as used in reports and in leaf-hashes.txt. */
  static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  /** Standard padded base64, as used in checkpoints. */
  static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /**
   * Parses exactly {@code 2 * length} lowercase hex digits from {@code line[0, end)}.
   *
   * @return the bytes, or null when the text is not exactly that
   */
  static byte[] lowercaseHex(byte[] line, int end, int length) {
    if (end != 2 * length) {
      return null;
    }
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      int hi = nibble(line[2 * i]);
      int lo = nibble(line[2 * i + 1]);
      if (hi < 0 || lo < 0) {
        return null;
      }
      out[i] = (byte) (hi << 4 | lo);
    }
    return out;
  }

  private static int nibble(byte c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return -1;
  }
}
