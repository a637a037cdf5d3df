package dev.lethe.unlearn.forget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.pipeline.ReplacedSnapshots;
import dev.lethe.unlearn.ModelRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots and models forgetting replaced, with their successors and the requests that replaced them. */
class RetirementsTest {

  private static final Instant T1 = Instant.parse("2025-01-01T00:00:00Z");
  private static final Instant T2 = Instant.parse("2025-02-01T00:00:00Z");

  @TempDir Path root;

  private void snapshot(String id, String rebuildOf, Instant retired) throws IOException {
    Files.createDirectories(root.resolve(id));
    Files.writeString(root.resolve(id).resolve("manifest.json"),
        "{\"snapshot\":\"" + id + "\"" + (rebuildOf == null ? "" : ",\"rebuild_of\":\"" + rebuildOf + "\"") + "}");
    if (retired != null) {
      Files.writeString(root.resolve(id).resolve(ReplacedSnapshots.TOMBSTONE), "[{\"at\":\"" + retired + "\",\"members\":[]}]");
    }
  }

  private static ModelRecord model(String id, String snapshot, String parent, ModelRecord.Origin origin) {
    return new ModelRecord(id, Path.of("models", id), snapshot, "kneser-ney", "1", new TreeMap<>(), 0, "d-" + id,
        Optional.ofNullable(parent), origin, null, List.of());
  }

  private static ForgetRequest.Replacement replacement(String oldSnapshot, String newSnapshot, String oldModel, String newModel) {
    return new ForgetRequest.Replacement(oldSnapshot, newSnapshot, oldModel, newModel, true, true, List.of(), 1, 1, 1);
  }

  private static ForgetRequest completed(String id, Instant at, ForgetRequest.Replacement... reps) {
    return new ForgetRequest(id, "m-" + id, ForgetReason.ERASURE, null, at, ForgetRequest.deadlineFor(at), ForgetRequest.Status.PENDING, null)
        .executed(ForgetRequest.Status.COMPLETED, new ForgetRequest.Outcome(at, List.of(), List.of(reps), true, "done"));
  }

  @Test
  void aChainOfRebuildsLeadsToWhatIsInUseAndEveryExecutionNamesItsRequests() throws IOException {
    snapshot("s1", null, T1);
    snapshot("s2", "s1", T2);
    snapshot("s3", "s2", null);
    snapshot("other", null, null);
    ModelRecord m1 = model("m1", "s1", null, ModelRecord.Origin.SCRATCH);
    ModelRecord m2 = model("m2", "s2", "m1", ModelRecord.Origin.RETRAINED_SHARDS);
    ModelRecord m3 = model("m3", "s3", "m2", ModelRecord.Origin.RETRAINED_SHARDS);
    // A fine-tune of m1 on the same snapshot saw what m1 saw: retired with it, and no successor of m1.
    ModelRecord tuned = model("tuned", "s1", "m1", ModelRecord.Origin.FINE_TUNE);
    ModelRecord alone = model("alone", "other", null, ModelRecord.Origin.SCRATCH);
    ForgetRequest a = completed("fr-a", T1, replacement("s1", "s2", "m1", "m2"));
    // b was executed, found undone, and executed again: both executions count.
    ForgetRequest b = completed("fr-b", T1, replacement("s1", "s2", "m1", "m2"))
        .reopened(T2, List.of("back"));
    b = b.executed(ForgetRequest.Status.COMPLETED, new ForgetRequest.Outcome(T2, List.of(), List.of(replacement("s2", "s3", "m2", "m3")), true, "again"));

    Retirements r = Retirements.of(Map.of(root, ReplacedSnapshots.read(root)), List.of(m1, m2, m3, tuned, alone), List.of(a, b));

    Retirements.ReplacedSnapshot s1 = r.snapshot(root, "s1").orElseThrow();
    assertThat(s1.replacedBy()).containsExactly("s2");
    assertThat(s1.at()).isEqualTo(T1);
    assertThat(s1.filesDeleted()).isTrue();
    assertThat(s1.requests()).containsExactly("fr-a", "fr-b");
    assertThat(r.snapshot(root, "s2").orElseThrow().requests()).containsExactly("fr-b");
    assertThat(r.snapshot(root, "s3")).isEmpty();
    assertThat(r.snapshot(root.resolve("elsewhere"), "s1")).as("another root's copy").isEmpty();
    assertThat(r.inUseSuccessors(root, "s1")).containsExactly("s3");
    assertThat(r.inUseSuccessors(root, "other")).containsExactly("other");

    Retirements.RetiredModel rm1 = r.model("m1").orElseThrow();
    assertThat(rm1.snapshot()).isEqualTo("s1");
    assertThat(rm1.replacedBy()).containsExactly("m2");
    assertThat(rm1.artefactsDeleted()).isTrue();
    assertThat(rm1.requests()).containsExactly("fr-a", "fr-b");
    assertThat(r.model("tuned").orElseThrow().replacedBy()).isEmpty();
    assertThat(r.model("m3")).isEmpty();
    assertThat(r.model("alone")).isEmpty();
    assertThat(r.inUseSuccessorModels("m1")).containsExactly("m3");

    assertThat(s1.describe()).isEqualTo("snapshot s1 was replaced by forgetting on 2025-01-01T00:00:00Z by snapshot s2"
        + " (under 2 forget requests); its shard files were deleted");
    assertThat(Retirements.putStatus(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode(), Optional.of(s1)).toString())
        .isEqualTo("{\"status\":\"replaced\",\"replaced\":{\"at\":\"2025-01-01T00:00:00Z\",\"by\":[\"s2\"],\"files_deleted\":true,"
            + "\"forget_requests\":[\"fr-a\",\"fr-b\"],\"forget_request_count\":2}}");
    assertThat(Retirements.putModelStatus(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode(), r.model("m3")).toString())
        .isEqualTo("{\"status\":\"in-use\",\"retired\":null}");
  }

  @Test
  void aRebuildWithoutItsOriginalsTombstoneAndItsModelsAreUnverifiedAndNeverNamedInUse() throws IOException {
    // Forgetting published r (and retrained m2 on it) but its checks failed: s has no tombstone.
    snapshot("s", null, null);
    snapshot("r", "s", null);
    ModelRecord m1 = model("m1", "s", null, ModelRecord.Origin.SCRATCH);
    ModelRecord m2 = model("m2", "r", "m1", ModelRecord.Origin.RETRAINED_SHARDS);
    ForgetRequest failed = completed("fr-a", T1, replacement("s", "r", "m1", "m2"));
    Retirements r = Retirements.of(Map.of(root, ReplacedSnapshots.read(root)), List.of(m1, m2), List.of(failed));

    assertThat(r.snapshot(root, "s")).as("s keeps its files: still in use").isEmpty();
    assertThat(r.inUseSuccessors(root, "s")).containsExactly("s");
    Retirements.UnverifiedRebuild u = r.unverifiedRebuild(root, "r").orElseThrow();
    assertThat(u.rebuildOf()).isEqualTo("s");
    assertThat(u.describe()).contains("unverified rebuild of snapshot s").contains("snapshot s is still the snapshot in use");
    assertThat(r.model("m1")).isEmpty();
    assertThat(r.unverifiedModel("m1")).isEmpty();
    assertThat(r.unverifiedModel("m2").orElseThrow().rebuildOf()).isEqualTo("s");
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    assertThat(r.putStatus(json.createObjectNode(), root, "r").toString())
        .isEqualTo("{\"status\":\"unverified-rebuild\",\"replaced\":null,\"unverified\":{\"rebuild_of\":\"s\"}}");
    assertThat(r.putStatus(json.createObjectNode(), root, "s").get("status").asText()).isEqualTo("in-use");
    assertThat(r.putModelStatus(json.createObjectNode(), "m2").toString())
        .isEqualTo("{\"status\":\"unverified-rebuild\",\"retired\":null,\"unverified\":{\"snapshot\":\"r\",\"rebuild_of\":\"s\"}}");
    assertThat(r.putModelStatus(json.createObjectNode(), "m1").get("status").asText()).isEqualTo("in-use");

    // The checks held at last: the tombstone makes s replaced by r, and m2 replaces m1.
    Files.writeString(root.resolve("s").resolve(ReplacedSnapshots.TOMBSTONE), "[{\"at\":\"" + T2 + "\",\"members\":[]}]");
    Retirements after = Retirements.of(Map.of(root, ReplacedSnapshots.read(root)), List.of(m1, m2), List.of(failed));
    assertThat(after.snapshot(root, "s").orElseThrow().replacedBy()).containsExactly("r");
    assertThat(after.inUseSuccessors(root, "s")).containsExactly("r");
    assertThat(after.unverifiedRebuild(root, "r")).isEmpty();
    assertThat(after.model("m1").orElseThrow().replacedBy()).containsExactly("m2");
    assertThat(after.unverifiedModel("m2")).isEmpty();
    assertThat(after.inUseSuccessorModels("m1")).containsExactly("m2");
  }
}
