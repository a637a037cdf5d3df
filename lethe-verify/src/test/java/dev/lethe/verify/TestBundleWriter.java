package dev.lethe.verify;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Test-only writer of lethe-audit-bundle/1 directories, written from the format contract (not
 * from lethe-store), so the verifier can be tested on honest and on tampered bundles.
 */
final class TestBundleWriter {

  static final String ORIGIN = "lethe.test/audit-log";

  private final TestSigner signer;
  private final String origin;

  TestBundleWriter(TestSigner signer) {
    this(signer, signer.name());
  }

  TestBundleWriter(TestSigner signer, String origin) {
    this.signer = signer;
    this.origin = origin;
  }

  /** Distinct canonical-JSON-like leaves, like the store's audit events. */
  static List<byte[]> leaves(int count) {
    List<byte[]> leaves = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      leaves.add(("{\"kind\":\"event\",\"member\":\"m" + Integer.toHexString(i * 7919)
          + "\",\"purpose\":\"training\",\"seq\":" + i + "}").getBytes(StandardCharsets.UTF_8));
    }
    return leaves;
  }

  /** Writes a complete, honest bundle with checkpoints at {@code sizes} (non-decreasing). */
  Path write(Path dir, List<byte[]> leaves, int... sizes) {
    try {
      Files.createDirectories(dir.resolve("checkpoints"));
      ReferenceMerkle tree = ReferenceMerkle.ofLeaves(leaves);
      writeLeaves(dir, leaves);
      Files.writeString(dir.resolve("bundle.json"), "{\"format\":\"lethe-audit-bundle/1\","
          + "\"origin\":\"" + origin + "\",\"leaves\":" + leaves.size() + ",\"checkpoints\":"
          + sizes.length + "}");
      for (int i = 0; i < sizes.length; i++) {
        Files.writeString(checkpointFile(dir, i + 1), checkpoint(tree.root(sizes[i]), sizes[i]));
      }
      StringBuilder consistency = new StringBuilder();
      for (int i = 1; i < sizes.length; i++) {
        consistency.append(consistencyLine(sizes[i - 1], sizes[i],
            tree.consistency(sizes[i - 1], sizes[i])));
      }
      Files.writeString(dir.resolve("consistency.jsonl"), consistency);
      Files.writeString(dir.resolve("key.vkey"), signer.verifierKey());
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A signed checkpoint note for an arbitrary root and size. */
  String checkpoint(byte[] root, long size) {
    return signer.sign(origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root)
        + "\n");
  }

  static Path checkpointFile(Path dir, int number) {
    return dir.resolve("checkpoints").resolve(String.format("%06d.note", number));
  }

  static String consistencyLine(long from, long to, List<byte[]> proof) {
    return "{\"from\":" + from + ",\"to\":" + to + ",\"proof\":["
        + proof.stream().map(h -> "\"" + Base64.getEncoder().encodeToString(h) + "\"")
            .collect(Collectors.joining(","))
        + "]}\n";
  }

  private static void writeLeaves(Path dir, List<byte[]> leaves) throws IOException {
    MerkleHasher hasher = new MerkleHasher();
    try (OutputStream out = new BufferedOutputStream(
            Files.newOutputStream(dir.resolve("leaves.jsonl")), 1 << 16);
        OutputStream hashes = new BufferedOutputStream(
            Files.newOutputStream(dir.resolve("leaf-hashes.txt")), 1 << 16)) {
      for (byte[] leaf : leaves) {
        out.write(leaf);
        out.write('\n');
        hashes.write((Encodings.hex(hasher.leaf(leaf)) + "\n").getBytes(StandardCharsets.US_ASCII));
      }
    }
  }
}
