package dev.lethe.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The key history agrees with the rotation records in the leaves: the leaf just before each
 * rotated key's first tree size is a {@value #ROTATION_KIND} record naming the previous key as
 * {@code old_key} and this key as {@code new_key}, and no other leaf is a rotation record. Since
 * the leaves are what the checkpoints sign, the keys.jsonl of an honest bundle cannot be edited
 * (a key added, dropped, replaced or moved to another size) without this check failing.
 */
final class KeyRotationCheck {

  static final String CHECK = "key-rotations";

  /** The {@code kind} of a rotation leaf: {@code {"at":T,"kind":"key.rotated","record":{...}}}. */
  static final String ROTATION_KIND = "key.rotated";

  private KeyRotationCheck() {}

  static CheckResult run(KeyHistory history, BundleManifest manifest, LeafAuditResult audit) {
    if (history == null) {
      return CheckResult.skipped(CHECK, "needs a valid key history, see the key checks");
    }
    if (audit.leafProblem() != null) {
      return CheckResult.skipped(CHECK, "needs every leaf, see the leaf-hashes check");
    }
    Map<Long, JsonNode> records = new TreeMap<>();
    for (Map.Entry<Long, byte[]> leaf : audit.rotationCandidates().entrySet()) {
      JsonNode json;
      try {
        json = Json.MAPPER.readTree(leaf.getValue());
      } catch (JsonProcessingException e) {
        continue; // not JSON, so not a rotation record (leaves are opaque to the other checks)
      } catch (IOException e) {
        throw new IllegalStateException("reading a byte array cannot fail", e);
      }
      if (json != null && json.isObject() && ROTATION_KIND.equals(json.path("kind").asText(null))) {
        records.put(leaf.getKey(), json.path("record"));
      }
    }
    for (KeyHistory.Entry key : history.rotations()) {
      long index = key.fromSize() - 1;
      String where = BundleFiles.KEYS + " line " + (key.number() + 1) + ": " + key.describe()
          + " signs from tree size " + key.fromSize() + ", but leaf " + index;
      JsonNode record = records.remove(index);
      if (record == null) {
        return CheckResult.failAtLeaf(CHECK, where + " is not a key rotation record", index);
      }
      VerifierKey from = key(record, "old_key");
      VerifierKey to = key(record, "new_key");
      if (from == null || to == null) {
        return CheckResult.failAtLeaf(CHECK, where
            + " is a rotation record without a valid old_key and new_key", index);
      }
      KeyHistory.Entry previous = history.entries().get(key.number() - 1);
      if (!from.equals(previous.key()) || !to.equals(key.key())) {
        return CheckResult.failAtLeaf(CHECK, where + " records the rotation from " + from.name()
            + "+" + Encodings.hex(from.keyId()) + " to " + to.name() + "+"
            + Encodings.hex(to.keyId()), index);
      }
    }
    if (!records.isEmpty()) {
      Map.Entry<Long, JsonNode> extra = records.entrySet().iterator().next();
      long index = extra.getKey();
      VerifierKey to = key(extra.getValue(), "new_key");
      return CheckResult.failAtLeaf(CHECK, BundleFiles.LEAVES + " line " + (index + 1) + " (leaf "
          + index + "): records a key rotation"
          + (to == null ? "" : " to " + to.name() + "+" + Encodings.hex(to.keyId()))
          + (manifest.version() == 1
              ? ", but this " + BundleFiles.FORMAT + " bundle has no key history"
              : " that " + BundleFiles.KEYS + " does not list"), index);
    }
    int rotations = history.rotations().size();
    return CheckResult.pass(CHECK, rotations == 0 ? "no leaf records a key rotation"
        : rotations + " key rotation(s), each recorded in the leaf before the rotated key's first"
            + " tree size, from the previous key to the listed one; no other rotation leaf");
  }

  private static VerifierKey key(JsonNode record, String field) {
    JsonNode value = record.get(field);
    if (value == null || !value.isTextual()) {
      return null;
    }
    try {
      return VerifierKey.parse(value.textValue());
    } catch (VerificationFailure e) {
      return null;
    }
  }
}
