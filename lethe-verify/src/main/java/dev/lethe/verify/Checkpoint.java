package dev.lethe.verify;

import java.util.Arrays;
import java.util.List;

/**
 * A C2SP tlog-checkpoint body: origin line, decimal tree size, base64 root hash, then optional
 * extension lines (allowed by the spec, covered by the signature, otherwise ignored here).
 *
 * @param origin the log's origin line
 * @param size the tree size the root commits to
 * @param root the 32-byte Merkle tree head of the first {@code size} leaves
 */
public record Checkpoint(String origin, long size, byte[] root) {

  /**
   * Parses a checkpoint body, i.e. the text of a signed note.
   *
   * @throws VerificationFailure when a line is missing or malformed
   */
  public static Checkpoint parse(String text) throws VerificationFailure {
    if (!text.endsWith("\n")) {
      throw new VerificationFailure("checkpoint body does not end with a newline");
    }
    List<String> lines = Arrays.asList(text.substring(0, text.length() - 1).split("\n", -1));
    if (lines.size() < 3) {
      throw new VerificationFailure(
          "checkpoint body has " + lines.size() + " line(s); origin, size and root are required");
    }
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isEmpty()) {
        throw new VerificationFailure("checkpoint body line " + (i + 1) + " is empty");
      }
    }
    long size = parseSize(lines.get(1));
    byte[] root = Encodings.base64(lines.get(2), "checkpoint root hash");
    if (root.length != MerkleHasher.HASH_SIZE) {
      throw new VerificationFailure("checkpoint root hash is " + root.length + " bytes, not 32");
    }
    return new Checkpoint(lines.get(0), size, root);
  }

  private static long parseSize(String line) throws VerificationFailure {
    // One spelling per number: digits only, no sign, no leading zeros.
    if (!line.matches("0|[1-9][0-9]{0,18}")) {
      throw new VerificationFailure("checkpoint tree size '" + line + "' is not a decimal number");
    }
    try {
      return Long.parseLong(line);
    } catch (NumberFormatException e) {
      throw new VerificationFailure("checkpoint tree size '" + line + "' is too large");
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Checkpoint c && origin.equals(c.origin) && size == c.size
        && Arrays.equals(root, c.root);
  }

  @Override
  public int hashCode() {
    return (origin.hashCode() * 31 + Long.hashCode(size)) * 31 + Arrays.hashCode(root);
  }

  @Override
  public String toString() {
    return "Checkpoint[" + origin + ", " + size + ", " + Encodings.base64(root) + "]";
  }
}
