package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import dev.lethe.pipeline.SnapshotRoots;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server answers "where is my data" and the auditor's snapshot views over every snapshot root
 * a build registered, not only its own snapshot directory, and says when a registered root could
 * not be read instead of answering "in no snapshot".
 */
class SnapshotRootsTest {

  @TempDir Path dir;
  TestServer t;
  String alice;
  String auditor;

  @BeforeEach
  void start() throws Exception {
    t = new TestServer(dir);
    alice = t.token("alice");
    auditor = t.token(Role.AUDITOR);
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void aSnapshotInAnotherRegisteredRootIsWhereTheMembersDataIs() throws Exception {
    Path elsewhere = dir.resolve("elsewhere").toAbsolutePath().normalize();
    TestServer.Trained trained = t.publishSnapshotAndModel(Instant.parse("2025-03-01T00:00:00Z"), elsewhere);
    String id = trained.snapshot().metadata().snapshot();

    // Published but not registered: the server cannot know of it (a build registers its --out).
    JsonNode before = t.get("/v1/members/alice/data-usage", alice).json();
    assertThat(before.get("snapshots")).isEmpty();
    assertThat(before.get("complete").asBoolean()).isTrue();

    t.store.registerSnapshotRoot(elsewhere);
    TestServer.Response r = t.get("/v1/members/alice/data-usage", alice);
    assertThat(r.status()).isEqualTo(200);
    JsonNode usage = r.json();
    assertThat(usage.get("snapshots")).singleElement().satisfies(s -> {
      assertThat(s.get("snapshot").asText()).isEqualTo(id);
      assertThat(s.has("root")).as("the server's paths are not a member's business").isFalse();
      assertThat(s.get("shards")).hasSize(1);
    });
    assertThat(usage.get("models")).singleElement()
        .satisfies(m -> assertThat(m.get("model").asText()).isEqualTo(trained.model().model().id()));
    assertThat(usage.get("complete").asBoolean()).isTrue();
    assertThat(usage.get("unreachable_root_count").asInt()).isZero();
    // dan lives in a blocked region: the same roots are searched, and he is in none of them.
    assertThat(t.get("/v1/members/dan/data-usage", t.token("dan")).json().get("snapshots")).isEmpty();

    JsonNode listed = t.get("/v1/audit/snapshots", auditor).json();
    assertThat(listed.get("snapshots")).singleElement().satisfies(s -> assertThat(s.get("root").asText()).isEqualTo(elsewhere.toString()));
    assertThat(t.get("/v1/audit/snapshots/" + id, auditor).json().get("snapshot").asText()).isEqualTo(id);
    JsonNode report = t.get("/v1/audit/report", auditor).json();
    assertThat(report.get("snapshots")).hasSize(1);
    assertThat(report.get("summary").get("complete").asBoolean()).isTrue();
    assertThat(report.get("summary").get("all_checks_pass").asBoolean()).isTrue();
  }

  @Test
  void snapshotsOfEveryRootAreListedRootByRoot() throws Exception {
    Path own = dir.resolve("data").resolve("snapshots").toAbsolutePath().normalize();
    Path other = dir.resolve("a-first").toAbsolutePath().normalize();
    String inOwn = t.publishSnapshotAndModel(Instant.parse("2025-03-01T00:00:00Z")).snapshot().metadata().snapshot();
    String inOther = t.publishSnapshotAndModel(Instant.parse("2025-03-02T00:00:00Z"), other).snapshot().metadata().snapshot();
    t.store.registerSnapshotRoot(other);

    JsonNode usage = t.get("/v1/members/alice/data-usage", alice).json();
    // Sorted by root path: .../a-first before .../data/snapshots, whatever the as-of instants.
    assertThat(usage.get("snapshots")).extracting(s -> s.get("snapshot").asText()).containsExactly(inOther, inOwn);
    JsonNode listed = t.get("/v1/audit/snapshots", auditor).json();
    assertThat(listed.get("snapshots")).extracting(s -> s.get("snapshot").asText()).containsExactly(inOther, inOwn);
    assertThat(listed.get("snapshots")).extracting(s -> s.get("root").asText()).containsExactly(other.toString(), own.toString());
  }

  @Test
  void aMissingRegisteredRootMakesEveryAnswerIncompleteInsteadOfAnAllClear() throws Exception {
    Path gone = dir.resolve("deleted-by-hand").toAbsolutePath().normalize();
    t.store.registerSnapshotRoot(gone);

    TestServer.Response r = t.get("/v1/members/alice/data-usage", alice);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("snapshots")).isEmpty();
    assertThat(r.json().get("complete").asBoolean()).isFalse();
    assertThat(r.json().get("unreachable_root_count").asInt()).isEqualTo(1);
    assertThat(r.body()).doesNotContain(gone.toString());

    JsonNode listed = t.get("/v1/audit/snapshots", auditor).json();
    assertThat(listed.get("complete").asBoolean()).isFalse();
    assertThat(texts(listed.get("unreachable_roots"))).containsExactly(gone.toString());
    JsonNode summary = t.get("/v1/audit/report", auditor).json().get("summary");
    assertThat(summary.get("complete").asBoolean()).isFalse();
    assertThat(summary.get("all_checks_pass").asBoolean()).as("a root nobody could read was not checked").isFalse();
    TestServer.Response missing = t.get("/v1/audit/snapshots/no-such-snapshot", auditor);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().get("detail").asText()).contains(gone.toString());

    // The root comes back (a remounted disk): the answer is whole again, with what it holds.
    Files.createDirectories(gone);
    String id = t.publishSnapshotAndModel(Instant.parse("2025-03-01T00:00:00Z"), gone).snapshot().metadata().snapshot();
    JsonNode usage = t.get("/v1/members/alice/data-usage", alice).json();
    assertThat(usage.get("complete").asBoolean()).isTrue();
    assertThat(usage.get("snapshots")).extracting(s -> s.get("snapshot").asText()).containsExactly(id);
  }

  @Test
  void aMissingRootIsReportedBesideTheSnapshotsThatWereFound() throws Exception {
    String id = t.publishSnapshotAndModel(Instant.parse("2025-03-01T00:00:00Z")).snapshot().metadata().snapshot();
    Path gone = dir.resolve("unmounted").toAbsolutePath().normalize();
    t.store.registerSnapshotRoot(gone);

    JsonNode usage = t.get("/v1/members/alice/data-usage", alice).json();
    assertThat(usage.get("snapshots")).extracting(s -> s.get("snapshot").asText()).containsExactly(id);
    assertThat(usage.get("complete").asBoolean()).isFalse();
    assertThat(usage.get("unreachable_root_count").asInt()).isEqualTo(1);
    JsonNode report = t.get("/v1/audit/report", auditor).json();
    assertThat(report.get("snapshots")).hasSize(1);
    assertThat(texts(report.get("summary").get("unreachable_roots"))).containsExactly(gone.toString());
  }

  @Test
  void aRecordedSnapshotThatIsGoneIsAGapUntilRetiredAndForgettingFailsClosedMeanwhile() throws Exception {
    Path own = dir.resolve("data").resolve("snapshots").toAbsolutePath().normalize();
    TestServer.Trained trained = t.publishSnapshotAndModel(Instant.parse("2025-03-01T00:00:00Z"));
    String id = trained.snapshot().metadata().snapshot();
    SnapshotRoots.record(t.store, own, trained.snapshot());
    Path root = SnapshotRoots.canonical(own);
    assertThat(t.get("/v1/members/alice/data-usage", alice).json().get("complete").asBoolean()).isTrue();

    // Deleted by hand (or a partial restore): the root is readable and reads as holding nothing.
    Path aside = dir.resolve("aside");
    Files.move(root.resolve(id), aside);
    TestServer.Response r = t.get("/v1/members/alice/data-usage", alice);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("snapshots")).isEmpty();
    assertThat(r.json().get("complete").asBoolean()).isFalse();
    assertThat(r.json().get("unreachable_root_count").asInt()).isZero();
    assertThat(r.json().get("missing_snapshot_count").asInt()).isEqualTo(1);
    assertThat(r.body()).doesNotContain(root.toString());

    JsonNode listed = t.get("/v1/audit/snapshots", auditor).json();
    assertThat(listed.get("complete").asBoolean()).isFalse();
    assertThat(listed.get("unreachable_roots")).isEmpty();
    assertThat(listed.get("missing_snapshots")).singleElement().satisfies(m -> {
      assertThat(m.get("snapshot").asText()).isEqualTo(id);
      assertThat(m.get("root").asText()).isEqualTo(root.toString());
      assertThat(m.get("problem").asText()).isEqualTo("is missing");
    });
    JsonNode summary = t.get("/v1/audit/report", auditor).json().get("summary");
    assertThat(summary.get("all_checks_pass").asBoolean()).isFalse();
    assertThat(summary.get("missing_snapshots")).hasSize(1);
    assertThat(t.get("/v1/audit/snapshots/" + id, auditor).json().get("detail").asText()).contains(id, "is missing");

    // Forgetting must not report alice forgotten while her records may sit on the real volume.
    assertThat(t.send("POST", "/v1/members/alice/erasure", alice, null).status()).isEqualTo(202);
    String admin = t.token(Role.ADMIN);
    Path data = dir.resolve("data");
    // The server's own job, as its schedule and POST /v1/admin/forget/run run it: it completes
    // nothing and names the gap.
    ForgetJob job = new ForgetJob(t.store, own, data.resolve("models"), data.resolve("forget"), data.resolve("canaries.json"),
        () -> TestServer.DETECTOR, 1, t.clock);
    JsonNode ran = job.run();
    assertThat(ran.get("completed").asInt()).isZero();
    assertThat(ran.get("blocked").asInt()).isEqualTo(1);
    assertThat(ran.get("gaps")).singleElement().satisfies(g ->
        assertThat(g.asText()).contains("snapshot " + id + " recorded in " + root + " is missing", "--retire " + id));
    TestServer.Response held = t.send("POST", "/v1/admin/forget/run", admin, null);
    assertThat(held.status()).as(held.body()).isEqualTo(200);
    assertThat(held.json().get("completed").asInt()).isZero();
    assertThat(held.json().get("gaps").toString()).contains("is missing", "--retire " + id);
    assertThat(held.json().get("requests")).singleElement().satisfies(q -> assertThat(q.get("status").asText()).isEqualTo("pending"));
    JsonNode queue = t.get("/v1/admin/forget-queue", admin).json();
    assertThat(queue.get("requests")).singleElement().satisfies(q -> assertThat(q.get("status").asText()).isEqualTo("pending"));
    java.net.http.HttpResponse<String> page = t.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(t.base() + "/admin"))
        .header("Cookie", Auth.COOKIE + "=" + admin).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(page.body()).contains("No request can complete until these are resolved", "is missing");

    // An empty stand-in at the same place (the volume's mount point without the volume): the same gap.
    Files.move(aside, root.resolve(id));
    Path volume = dir.resolve("volume");
    Files.move(root, volume);
    Files.createDirectories(root);
    assertThat(t.get("/v1/members/alice/data-usage", alice).json().get("missing_snapshot_count").asInt()).isEqualTo(1);
    assertThat(job.run().get("gaps").toString()).contains("snapshot " + id + " recorded in " + root + " is missing");
    Files.delete(root);
    Files.move(volume, root);
    assertThat(t.get("/v1/members/alice/data-usage", alice).json().get("complete").asBoolean()).isTrue();

    // Retired on purpose: the gap closes and forgetting runs over what remains.
    SnapshotRoots.retire(t.store, root, id);
    assertThat(t.get("/v1/audit/snapshots", auditor).json().get("complete").asBoolean()).isTrue();
    TestServer.Response run = t.send("POST", "/v1/admin/forget/run", admin, null);
    assertThat(run.status()).as(run.body()).isEqualTo(200);
    assertThat(run.json().get("completed").asInt()).isEqualTo(1);
  }
  @Test
  void aSnapshotAnotherDeploymentBuiltIsNeverWhereAMembersDataIs() throws Exception {
    Path shared = dir.resolve("shared").toAbsolutePath().normalize();
    TestServer.Trained trained = t.publishSnapshotAndModel(Instant.parse("2025-03-01T00:00:00Z"), shared);
    String id = trained.snapshot().metadata().snapshot();
    t.store.registerSnapshotRoot(shared);
    assertThat(t.get("/v1/members/alice/data-usage", alice).json().get("snapshots")).hasSize(1);

    // The same directory as another deployment's build would leave it: its bitmaps number that
    // deployment's members, so its "alice" is someone else.
    Path manifest = shared.resolve(id).resolve("manifest.json");
    String ours = Files.readString(manifest);
    assertThat(ours).contains("\"deployment\":\"dep-");
    replace(manifest, ours.replaceFirst("\"deployment\":\"dep-[0-9a-f]{16}\"", "\"deployment\":\"dep-0123456789abcdef\""));

    JsonNode usage = t.get("/v1/members/alice/data-usage", alice).json();
    assertThat(usage.get("snapshots")).isEmpty();
    assertThat(t.get("/v1/audit/snapshots", auditor).json().get("snapshots")).isEmpty();
    assertThat(t.get("/v1/audit/report", auditor).json().get("snapshots")).isEmpty();

    replace(manifest, ours);
    assertThat(t.get("/v1/members/alice/data-usage", alice).json().get("snapshots")).singleElement()
        .satisfies(s -> assertThat(s.get("snapshot").asText()).isEqualTo(id));

    // Once the store recorded building it there, a manifest naming another deployment is damage:
    // the snapshot is still answered from (its bitmaps are this deployment's) and the answer says
    // it is incomplete, never passing the snapshot over.
    dev.lethe.pipeline.SnapshotRoots.record(t.store, shared, trained.snapshot());
    replace(manifest, ours.replaceFirst("\"deployment\":\"dep-[0-9a-f]{16}\"", "\"deployment\":\"dep-0123456789abcdef\""));
    JsonNode damaged = t.get("/v1/members/alice/data-usage", alice).json();
    assertThat(damaged.get("snapshots")).singleElement().satisfies(s -> assertThat(s.get("snapshot").asText()).isEqualTo(id));
    assertThat(damaged.get("complete").asBoolean()).isFalse();
    assertThat(t.get("/v1/audit/snapshots", auditor).json().get("missing_snapshots")).singleElement()
        .satisfies(m -> assertThat(m.get("problem").asText()).contains("the manifest was changed"));
  }

  /** Replaces a file as a copy or a build would, by a rename over it (the server notices new files, not edits in place). */
  private static void replace(Path file, String text) throws Exception {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
