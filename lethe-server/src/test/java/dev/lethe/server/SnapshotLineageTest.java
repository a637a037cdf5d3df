package dev.lethe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.pipeline.LineageIndex;
import dev.lethe.pipeline.SnapshotCatalog;
import dev.lethe.pipeline.SnapshotFiles;
import dev.lethe.pipeline.SnapshotRoots;
import dev.lethe.testkit.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server answers member lineage and the snapshot listing from each root's {@link
 * LineageIndex}, never reading every member bitmap for them, and still follows the files: a shard
 * bitmap deleted by hand, a snapshot retired, a snapshot published after the server started. Only
 * the compliance report reads the catalog.
 */
class SnapshotLineageTest {

  static final Instant MARCH_1 = Instant.parse("2025-03-01T00:00:00Z");
  static final Instant MARCH_2 = Instant.parse("2025-03-02T00:00:00Z");

  @TempDir Path dir;
  TestServer t;
  Path root;
  SnapshotView view;

  @BeforeEach
  void start() throws Exception {
    t = new TestServer(dir);
    root = SnapshotRoots.canonical(Files.createDirectories(dir.resolve("data").resolve("snapshots")));
    // A view of the same roots as the server's, whose counters the tests read.
    view = new SnapshotView(t.store, root);
  }

  @AfterEach
  void stop() {
    view.close();
    t.close();
  }

  private String publish(Instant asOf) throws Exception {
    TestServer.Trained trained = t.publishSnapshotAndModel(asOf);
    SnapshotRoots.record(t.store, root, trained.snapshot());
    return trained.snapshot().metadata().snapshot();
  }

  private int number(String member) {
    return t.store.memberNumber(member).orElseThrow();
  }

  /** Makes every file and directory under the root (but the index's) look an hour old, as after a quiet hour. */
  private void settle() throws Exception {
    Trees.setLastModified(root, FileTime.from(Instant.now().minusSeconds(3600)), root.resolve(LineageIndex.DIRECTORY));
  }

  private JsonNode usage(String member) throws Exception {
    TestServer.Response r = t.get("/v1/members/" + member + "/data-usage", t.token(member));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  /** The snapshots the view finds the member in. */
  private List<String> hits(String member) {
    return view.lineage(number(member)).hits().stream().map(h -> h.hit().snapshot().snapshot()).toList();
  }

  /** The member bitmap of the shard of {@code snapshot} that holds the member. */
  private Path bitmapOf(String member, String snapshot) throws Exception {
    int shard = view.lineage(number(member)).hits().stream().filter(h -> h.hit().snapshot().snapshot().equals(snapshot))
        .findFirst().orElseThrow().hit().shard();
    JsonNode manifest = Json.MAPPER.readTree(root.resolve(snapshot).resolve(SnapshotFiles.MANIFEST).toFile());
    for (JsonNode s : manifest.get("shards")) {
      if (s.get("shard").asInt() == shard) {
        return root.resolve(snapshot).resolve(s.get("members_file").asText());
      }
    }
    throw new AssertionError("no shard " + shard + " in " + snapshot);
  }

  private static List<String> ids(JsonNode snapshots) {
    List<String> out = new ArrayList<>();
    snapshots.forEach(s -> out.add(s.get("snapshot").asText()));
    return out;
  }

  @Test
  void lineageAndListingAgreeWithTheCatalogAndNeverReadIt() throws Exception {
    String first = publish(MARCH_1);
    String second = publish(MARCH_2);
    SnapshotCatalog catalog = SnapshotCatalog.open(root);
    for (String member : List.of("alice", "bob", "carol", "dan")) {
      SnapshotView.Lineage lineage = view.lineage(number(member));
      List<SnapshotCatalog.Hit> expected = catalog.where(number(member));
      assertThat(lineage.hits()).hasSameSizeAs(expected);
      for (int i = 0; i < expected.size(); i++) {
        assertThat(lineage.hits().get(i).root()).isEqualTo(root);
        assertThat(lineage.hits().get(i).hit().snapshot().snapshot()).isEqualTo(expected.get(i).snapshot().snapshot());
        assertThat(List.of(lineage.hits().get(i).hit().shard())).isEqualTo(expected.get(i).shards());
      }
    }
    assertThat(view.lineage(number("alice")).hits()).extracting(h -> h.hit().snapshot().snapshot()).containsExactly(first, second);
    assertThat(view.lineage(number("dan")).hits()).as("dan lives in a blocked region").isEmpty();
    assertThat(view.current().snapshots()).extracting(l -> l.snapshot().snapshot()).containsExactly(first, second);
    assertThat(view.current().complete()).isTrue();

    JsonNode listed = t.get("/v1/audit/snapshots", t.token(Role.AUDITOR)).json();
    for (int i = 0; i < 2; i++) {
      SnapshotCatalog.Entry e = catalog.snapshots().get(i);
      JsonNode s = listed.get("snapshots").get(i);
      assertThat(s.get("snapshot").asText()).isEqualTo(e.snapshot());
      assertThat(s.get("included").asLong()).isEqualTo(e.included());
      assertThat(s.get("excluded").asLong()).isEqualTo(e.excluded());
      assertThat(s.get("shards").asInt()).isEqualTo(e.shards().size());
      assertThat(s.get("policy_version").asText()).isEqualTo(e.policyVersion());
    }
    JsonNode manifest = t.get("/v1/audit/snapshots/" + first, t.token(Role.AUDITOR)).json();
    assertThat(manifest).isEqualTo(catalog.snapshots().get(0).manifest());
    assertThat(view.catalogOpens()).as("lineage and listing never read every bitmap").isZero();

    // The compliance report counts minors and members without a valid decision in every bitmap:
    // it reads the catalog once, and again only after the files changed.
    assertThat(view.catalogued().entries()).extracting(SnapshotCatalog.Entry::snapshot).containsExactly(first, second);
    settle();
    view.catalogued();
    view.catalogued();
    assertThat(view.catalogOpens()).isEqualTo(2);
  }

  @Test
  void settledFilesAreAnsweredFromTheStoredIndexKeptOpen() throws Exception {
    String id = publish(MARCH_1);
    settle();
    assertThat(hits("alice")).containsExactly(id);
    int opens = view.indexOpens();
    assertThat(root.resolve(LineageIndex.DIRECTORY).resolve("index")).as("stored once the files settled, as the CLI stores it")
        .isRegularFile();
    for (int i = 0; i < 5; i++) {
      assertThat(hits("alice")).containsExactly(id);
      view.current();
    }
    assertThat(view.indexOpens()).as("an unchanged root is answered from the open index").isEqualTo(opens);

    // The records change (the snapshot's record removed): the gaps are checked again, the index kept.
    t.store.removeSnapshotRecord(root, id);
    assertThat(view.current().complete()).isTrue();
    assertThat(view.indexOpens()).isEqualTo(opens);
  }

  @Test
  void aRecentlyChangedSnapshotIsWatchedEntryByEntry() throws Exception {
    String id = publish(MARCH_1);
    Path snapshot = root.resolve(id);
    // A directory time that is not old yet (here ahead of the clock, however slowly the build ran).
    FileTime recent = FileTime.from(Instant.now().plusSeconds(3600));
    Files.setLastModifiedTime(snapshot, recent);
    assertThat(hits("alice")).containsExactly(id);
    assertThat(hits("alice")).containsExactly(id);
    assertThat(view.indexOpens()).as("unchanged: answered from the open index").isEqualTo(1);

    // A change within the file system's timestamp granularity leaves the directory's time as it
    // was: the listing of its entries shows it.
    Files.delete(bitmapOf("alice", id));
    Files.setLastModifiedTime(snapshot, recent);
    assertThat(hits("alice")).isEmpty();
    assertThat(view.indexOpens()).isEqualTo(2);
    assertThat(view.current().missing()).singleElement().satisfies(m -> assertThat(m.snapshot()).isEqualTo(id));
  }

  @Test
  void aShardBitmapDeletedByHandIsNoticed() throws Exception {
    String id = publish(MARCH_1);
    settle();
    assertThat(ids(usage("alice").get("snapshots"))).containsExactly(id);
    view.lineage(number("alice"));
    int opens = view.indexOpens();

    // alice's shard's member bitmap, deleted by hand (not by forgetting: no tombstone).
    JsonNode manifest = Json.MAPPER.readTree(root.resolve(id).resolve(SnapshotFiles.MANIFEST).toFile());
    Files.delete(bitmapOf("alice", id));

    JsonNode after = usage("alice");
    assertThat(after.get("snapshots")).as("the catalog no longer finds her there either").isEmpty();
    assertThat(after.get("complete").asBoolean()).as("never an all-clear: a recorded snapshot lacks a shard").isFalse();
    assertThat(after.get("missing_snapshot_count").asInt()).isEqualTo(1);
    SnapshotView.Lineage lineage = view.lineage(number("alice"));
    assertThat(view.indexOpens()).isEqualTo(opens + 1);
    assertThat(lineage.hits()).isEmpty();
    assertThat(lineage.snapshots().missing()).singleElement()
        .satisfies(m -> assertThat(m.problem()).isEqualTo("lacks the files of 1 of its " + manifest.get("shards").size() + " shards"));
    assertThat(root.resolve(LineageIndex.DIRECTORY).resolve("index")).isRegularFile();
    JsonNode listed = t.get("/v1/audit/snapshots", t.token(Role.AUDITOR)).json();
    assertThat(listed.get("snapshots")).singleElement()
        .satisfies(s -> assertThat(s.get("shards").asInt()).isEqualTo(manifest.get("shards").size() - 1));
    assertThat(listed.get("complete").asBoolean()).isFalse();
  }

  @Test
  void aRetiredSnapshotIsNoLongerAnswered() throws Exception {
    String id = publish(MARCH_1);
    settle();
    assertThat(ids(usage("alice").get("snapshots"))).containsExactly(id);
    assertThat(ids(t.get("/v1/audit/snapshots", t.token(Role.AUDITOR)).json().get("snapshots"))).containsExactly(id);

    SnapshotRoots.retire(t.store, root, id);
    JsonNode after = usage("alice");
    assertThat(after.get("snapshots")).isEmpty();
    assertThat(after.get("complete").asBoolean()).isTrue();
    assertThat(t.get("/v1/audit/snapshots", t.token(Role.AUDITOR)).json().get("snapshots")).isEmpty();
    assertThat(t.get("/v1/audit/snapshots/" + id, t.token(Role.AUDITOR)).status()).isEqualTo(404);
  }

  @Test
  void aSnapshotPublishedAfterTheServerStartedIsAnswered() throws Exception {
    String first = publish(MARCH_1);
    settle();
    assertThat(ids(usage("alice").get("snapshots"))).containsExactly(first);

    String second = publish(MARCH_2);
    assertThat(ids(usage("alice").get("snapshots"))).containsExactly(first, second);
    assertThat(ids(t.get("/v1/audit/snapshots", t.token(Role.AUDITOR)).json().get("snapshots"))).containsExactly(first, second);
    assertThat(t.get("/v1/audit/snapshots/" + second, t.token(Role.AUDITOR)).json().get("snapshot").asText()).isEqualTo(second);
    JsonNode report = t.get("/v1/audit/report", t.token(Role.AUDITOR)).json();
    assertThat(report.get("snapshots")).hasSize(2);
  }
}
