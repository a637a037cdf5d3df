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

  /**
   * Distinct canonical-JSON-like leaves, like the store's audit events: leaf i carries seq i + 1,
   * as the store numbers its ledger events from 1.
   */
  static List<byte[]> leaves(int count) {
    List<byte[]> leaves = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      leaves.add(("{\"kind\":\"event\",\"member\":\"m" + Integer.toHexString(i * 7919)
          + "\",\"purpose\":\"training\",\"seq\":" + (i + 1) + "}").getBytes(StandardCharsets.UTF_8));
    }
    return leaves;
  }

  /** Writes a complete, honest bundle with checkpoints at {@code sizes} (non-decreasing). */
  Path write(Path dir, List<byte[]> leaves, int... sizes) {
    return write(dir, leaves, sizes, "{\"format\":\"lethe-audit-bundle/1\",\"origin\":\"" + origin
        + "\",\"leaves\":" + leaves.size() + ",\"checkpoints\":" + sizes.length + "}",
        (root, size) -> checkpoint(root, size), signer.verifierKey());
  }

  /**
   * Writes a complete, honest lethe-audit-bundle/2 of a log whose key was rotated: {@code
   * keys.get(i)} signs from tree size {@code fromSizes[i]} ({@code fromSizes[0] == 0}), a
   * rotation's checkpoint carries the retiring and the new key's signature lines, key.vkey is the
   * last key. The leaves must hold the rotation records ({@link #rotationLeaf}) themselves.
   */
  static Path writeRotated(Path dir, List<byte[]> leaves, List<TestSigner> keys, long[] fromSizes,
      int... sizes) {
    String origin = keys.get(0).name();
    StringBuilder history = new StringBuilder();
    for (int i = 0; i < keys.size(); i++) {
      history.append("{\"key\":\"").append(keys.get(i).verifierKey().strip())
          .append("\",\"from_size\":").append(fromSizes[i]).append("}\n");
    }
    Path written = new TestBundleWriter(keys.get(0)).write(dir, leaves, sizes,
        "{\"format\":\"lethe-audit-bundle/2\",\"origin\":\"" + origin + "\",\"leaves\":"
            + leaves.size() + ",\"checkpoints\":" + sizes.length + ",\"keys\":" + keys.size() + "}",
        (root, size) -> {
          String text = origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\n";
          int current = 0;
          while (current + 1 < keys.size() && fromSizes[current + 1] <= size) {
            current++;
          }
          String lines = keys.get(current).signatureLine(text);
          if (current > 0 && fromSizes[current] == size) {
            lines = keys.get(current - 1).signatureLine(text) + lines;
          }
          return text + "\n" + lines;
        },
        keys.get(keys.size() - 1).verifierKey());
    Tamper.writeString(dir.resolve("keys.jsonl"), history.toString());
    return written;
  }

  /** The canonical JSON leaf the store appends when it rotates from {@code from} to {@code to}. */
  static byte[] rotationLeaf(TestSigner from, TestSigner to) {
    return ("{\"at\":\"2026-11-24T10:00:00Z\",\"kind\":\"key.rotated\",\"record\":{\"new_key\":\""
        + to.verifierKey().strip() + "\",\"old_key\":\"" + from.verifierKey().strip() + "\"}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private Path write(Path dir, List<byte[]> leaves, int[] sizes, String manifest,
      java.util.function.BiFunction<byte[], Long, String> note, String verifierKey) {
    try {
      Files.createDirectories(dir.resolve("checkpoints"));
      ReferenceMerkle tree = ReferenceMerkle.ofLeaves(leaves);
      writeLeaves(dir, leaves);
      Files.writeString(dir.resolve("bundle.json"), manifest);
      for (int i = 0; i < sizes.length; i++) {
        Files.writeString(checkpointFile(dir, i + 1), note.apply(tree.root(sizes[i]), (long) sizes[i]));
      }
      StringBuilder consistency = new StringBuilder();
      for (int i = 1; i < sizes.length; i++) {
        consistency.append(consistencyLine(sizes[i - 1], sizes[i],
            tree.consistency(sizes[i - 1], sizes[i])));
      }
      Files.writeString(dir.resolve("consistency.jsonl"), consistency);
      Files.writeString(dir.resolve("key.vkey"), verifierKey);
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
