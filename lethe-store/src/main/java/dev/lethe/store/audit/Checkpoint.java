package dev.lethe.store.audit;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * A C2SP {@code tlog-checkpoint} body: the log's origin, its tree size and root hash.
 *
 * @param origin the log's unique name (no newline)
 * @param size number of leaves
 * @param root the 32-byte root hash of those leaves
 */
public record Checkpoint(String origin, long size, byte[] root) {

  public Checkpoint {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(root, "root");
    if (origin.isEmpty() || origin.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("a checkpoint origin is one non-empty line");
    }
    if (size < 0) {
      throw new IllegalArgumentException("negative tree size " + size);
    }
    if (root.length != Merkle.HASH_LENGTH) {
      throw new IllegalArgumentException("a root hash has 32 bytes, not " + root.length);
    }
    root = root.clone();
  }

  @Override
  public byte[] root() {
    return root.clone();
  }

  /** The note text: origin, size and base64 root, each line ending in a newline. */
  public String body() {
    return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\n";
  }

  /** The UTF-8 bytes of {@link #body()}: what a signature covers. */
  public byte[] bodyBytes() {
    return body().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Parses a body produced by {@link #body()}.
   *
   * @throws IllegalArgumentException if the text is not exactly three well-formed lines
   */
  public static Checkpoint parse(String body) {
    String[] lines = body.split("\n", -1);
    if (lines.length != 4 || !lines[3].isEmpty()) {
      throw new IllegalArgumentException("a checkpoint body has exactly three lines");
    }
    long size;
    try {
      size = Long.parseLong(lines[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("tree size \"" + lines[1] + "\" is not a decimal number", e);
    }
    if (!lines[1].equals(Long.toString(size))) {
      throw new IllegalArgumentException("tree size \"" + lines[1] + "\" is not in canonical decimal form");
    }
    return new Checkpoint(lines[0], size, Base64.getDecoder().decode(lines[2]));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c
        && c.origin.equals(origin)
        && c.size == size
        && java.util.Arrays.equals(c.root, root);
  }

  @Override
  public int hashCode() {
    return Objects.hash(origin, size, java.util.Arrays.hashCode(root));
  }

  @Override
  public String toString() {
    return "Checkpoint[" + origin + ", size " + size + ", root " + Merkle.hex(root) + "]";
  }
}
