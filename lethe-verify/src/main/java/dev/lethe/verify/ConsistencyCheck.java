package dev.lethe.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks consistency.jsonl: exactly one RFC 9162 consistency proof per pair of successive
 * checkpoints, each verifying between the two signed roots. Together they show every checkpoint
 * extends the one before it, i.e. the log only ever grew.
 */
final class ConsistencyCheck {

  static final String CHECK = "consistency";

  private ConsistencyCheck() {}

  static CheckResult run(BundleFiles files, List<LoadedCheckpoint> checkpoints) {
    try {
      List<String> lines = readLines(files.consistency(), checkpoints.size());
      int pairs = Math.max(0, checkpoints.size() - 1);
      if (lines.size() != pairs) {
        return CheckResult.fail(CHECK, BundleFiles.CONSISTENCY + " has " + lines.size()
            + " line(s) but " + checkpoints.size() + " checkpoints need " + pairs);
      }
      MerkleHasher hasher = new MerkleHasher();
      for (int i = 0; i < pairs; i++) {
        verifyLine(hasher, i + 1, lines.get(i), checkpoints.get(i), checkpoints.get(i + 1));
      }
      return CheckResult.pass(CHECK, pairs + " consistency proof(s) verify between successive "
          + "checkpoints");
    } catch (VerificationFailure e) {
      return CheckResult.fail(CHECK, e.getMessage());
    }
  }

  private static List<String> readLines(Path file, int checkpoints) throws VerificationFailure {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      if (checkpoints <= 1) {
        return List.of(); // no pair needs a proof
      }
      throw new VerificationFailure(BundleFiles.CONSISTENCY + ": missing");
    } catch (IOException e) {
      throw new VerificationFailure(BundleFiles.CONSISTENCY + ": cannot be read ("
          + e.getMessage() + ")");
    }
    if (text.isEmpty()) {
      return List.of();
    }
    if (!text.endsWith("\n")) {
      throw new VerificationFailure(BundleFiles.CONSISTENCY + ": last line is not terminated "
          + "by a newline");
    }
    return List.of(text.substring(0, text.length() - 1).split("\n", -1));
  }

  private static void verifyLine(MerkleHasher hasher, int lineNumber, String line,
      LoadedCheckpoint older, LoadedCheckpoint newer) throws VerificationFailure {
    String where = BundleFiles.CONSISTENCY + " line " + lineNumber;
    JsonNode json = Json.object(line, where);
    long from = Json.count(json, "from", where);
    long to = Json.count(json, "to", where);
    List<byte[]> proof = proof(json, where);
    if (from != older.size() || to != newer.size()) {
      throw new VerificationFailure(where + ": proves " + from + " -> " + to + " but must prove "
          + older.describe() + " -> " + newer.describe());
    }
    try {
      ConsistencyProof.verify(hasher, from, to, older.checkpoint().root(),
          newer.checkpoint().root(), proof);
    } catch (VerificationFailure e) {
      throw new VerificationFailure(where + " (" + older.describe() + " -> " + newer.describe()
          + "): " + e.getMessage());
    }
  }

  private static List<byte[]> proof(JsonNode json, String where) throws VerificationFailure {
    JsonNode array = json.get("proof");
    if (array == null || !array.isArray()) {
      throw new VerificationFailure(where + ": \"proof\" must be an array of base64 hashes");
    }
    List<byte[]> proof = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonNode element = array.get(i);
      if (!element.isTextual()) {
        throw new VerificationFailure(where + ": proof[" + i + "] is not a string");
      }
      proof.add(Encodings.base64(element.textValue(), where + ": proof[" + i + "]"));
    }
    return proof;
  }
}
