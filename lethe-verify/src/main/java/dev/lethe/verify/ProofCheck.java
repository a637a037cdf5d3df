package dev.lethe.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@value #CHECK} check: an inclusion proof, as {@code lethe audit prove} prints it, shows
 * that a leaf is in a tree whose root the log signed.
 *
 * <p>The proof file carries its own root, which proves nothing by itself: the check recomputes
 * the root from the leaf hash and the path (RFC 9162 section 2.1.3.2, written from the RFC text)
 * and then requires it to be a root the log signed for that tree size — a checkpoint of the
 * bundle, the root of the bundle's first leaves when a later checkpoint covers them, or a kept
 * checkpoint given with {@code --since}.
 */
final class ProofCheck {

  static final String CHECK = "proof";

  private ProofCheck() {}

  /** An inclusion proof as {@code lethe audit prove} prints it. */
  record Proof(long leafIndex, long treeSize, byte[] leafHash, byte[] root, List<byte[]> path) {}

  /** The proof read, or the failure that stops the check. */
  record Read(Proof proof, CheckResult failure) {}

  static Read read(Path file) {
    String where = "proof " + file;
    try {
      JsonNode o = Json.object(Files.readString(file, StandardCharsets.UTF_8), where);
      long index = Json.count(o, "leaf_index", where);
      long size = Json.count(o, "tree_size", where);
      byte[] leaf = hash(Json.text(o, "leaf_hash", where), where + ": leaf_hash");
      byte[] root = hash(Json.text(o, "root", where), where + ": root");
      JsonNode array = o.get("proof");
      if (array == null || !array.isArray()) {
        throw new VerificationFailure(where + ": \"proof\" is not an array of base64 hashes");
      }
      List<byte[]> path = new ArrayList<>();
      for (int i = 0; i < array.size(); i++) {
        if (!array.get(i).isTextual()) {
          throw new VerificationFailure(where + ": proof element " + i + " is not a base64 string");
        }
        path.add(hash(array.get(i).textValue(), where + ": proof element " + i));
      }
      return new Read(new Proof(index, size, leaf, root, path), null);
    } catch (NoSuchFileException e) {
      return new Read(null, CheckResult.fail(CHECK, where + ": missing"));
    } catch (IOException e) {
      return new Read(null, CheckResult.fail(CHECK, where + ": cannot be read (" + e.getMessage() + ")"));
    } catch (VerificationFailure e) {
      return new Read(null, CheckResult.fail(CHECK, e.getMessage()));
    }
  }

  private static byte[] hash(String text, String what) throws VerificationFailure {
    byte[] bytes = Encodings.base64(text, what);
    if (bytes.length != MerkleHasher.HASH_SIZE) {
      throw new VerificationFailure(what + " is " + bytes.length + " bytes, not " + MerkleHasher.HASH_SIZE);
    }
    return bytes;
  }

  /**
   * The root the leaf hash and path give (RFC 9162 section 2.1.3.2).
   *
   * @throws VerificationFailure if the index is outside the tree or the path is too short or too long
   */
  static byte[] root(MerkleHasher hasher, Proof p) throws VerificationFailure {
    if (p.leafIndex() >= p.treeSize()) {
      throw new VerificationFailure("leaf " + p.leafIndex() + " is not in a tree of size " + p.treeSize());
    }
    long fn = p.leafIndex();
    long sn = p.treeSize() - 1;
    byte[] r = p.leafHash();
    for (byte[] node : p.path()) {
      if (sn == 0) {
        throw new VerificationFailure("the path is longer than a tree of size " + p.treeSize() + " needs");
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = hasher.node(node, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = hasher.node(r, node);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) {
      throw new VerificationFailure("the path is shorter than a tree of size " + p.treeSize() + " needs");
    }
    return r;
  }

  /**
   * Checks the proof against a root the log signed for its tree size.
   *
   * @param signedRoot that root, or null when nothing signed covers the tree size
   * @param source what vouches for the root, for the report
   * @param uncovered why no root is available, when {@code signedRoot} is null
   */
  static CheckResult run(Path file, Read read, byte[] signedRoot, String source, String uncovered) {
    if (read.failure() != null) {
      return read.failure();
    }
    Proof p = read.proof();
    String where = "proof " + file + " (leaf " + p.leafIndex() + ", tree size " + p.treeSize() + ")";
    byte[] computed;
    try {
      computed = root(new MerkleHasher(), p);
    } catch (VerificationFailure e) {
      return CheckResult.fail(CHECK, where + ": " + e.getMessage());
    }
    if (!Arrays.equals(computed, p.root())) {
      return CheckResult.fail(CHECK, where + ": the leaf hash and path give the root "
          + Encodings.base64(computed) + ", not the " + Encodings.base64(p.root()) + " the proof claims");
    }
    if (signedRoot == null) {
      return CheckResult.fail(CHECK, where + ": " + uncovered);
    }
    if (!Arrays.equals(computed, signedRoot)) {
      return CheckResult.fail(CHECK, where + ": its root " + Encodings.base64(computed) + " is not the root "
          + Encodings.base64(signedRoot) + " that " + source + " signs for that tree size: the leaf is not in the log"
          + " the auditor holds");
    }
    return CheckResult.pass(CHECK, "leaf " + p.leafIndex() + " (hash " + Encodings.base64(p.leafHash())
        + ") is in the tree of size " + p.treeSize() + " whose root " + source + " signs");
  }
}
