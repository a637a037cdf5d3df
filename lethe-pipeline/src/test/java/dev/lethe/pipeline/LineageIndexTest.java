package dev.lethe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

class LineageIndexTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final FileTime LONG_AGO = FileTime.from(Instant.parse("2024-01-01T00:00:00Z"));

  @TempDir Path temp;
  private Path root;

  @BeforeEach
  void root() {
    root = temp.resolve("snapshots");
  }

  @Test
  void aStoredIndexAnswersWhatTheCatalogAnswersWithoutReadingTheSnapshots() throws IOException {
    writeSnapshots(root, 12, 3_000, 5, 1);
    age(root);
    try (LineageIndex first = LineageIndex.open(root)) {
      assertThat(first.rebuilt()).isTrue();
      Path stored = root.resolve(LineageIndex.DIRECTORY).resolve("index");
      assertThat(Files.isRegularFile(stored)).isTrue();
      assertThat(Files.getPosixFilePermissions(stored)).as("readable by whoever reads the manifests")
          .isEqualTo(Files.getPosixFilePermissions(SnapshotFiles.snapshotDirectories(root).get(0).resolve(SnapshotFiles.MANIFEST)));
      assertAgreesWithCatalog(first, 3_100);
    }
    try (LineageIndex second = LineageIndex.open(root)) {
      assertThat(second.rebuilt()).as("every recorded file unchanged: the stored index is used").isFalse();
      assertAgreesWithCatalog(second, 3_100);
    }
  }

  @Test
  void anIndexIsNotStoredWhileTheFilesAreRecent() throws IOException {
    writeSnapshots(root, 3, 200, 4, 2);
    try (LineageIndex index = LineageIndex.open(root)) {
      assertThat(index.rebuilt()).isTrue();
      assertAgreesWithCatalog(index, 210);
    }
    assertThat(Files.exists(root.resolve(LineageIndex.DIRECTORY).resolve("index")))
        .as("a file changed in the last seconds could still change unseen").isFalse();
    try (LineageIndex again = LineageIndex.open(root)) {
      assertThat(again.rebuilt()).isTrue();
    }
  }

  @Test
  void aDeletedShardBitmapIsNeverAnsweredFromTheStoredIndex() throws IOException {
    writeSnapshots(root, 4, 500, 4, 3);
    age(root);
    int member = firstMember(root);
    try (LineageIndex index = LineageIndex.open(root)) {
      assertThat(index.where(member)).isNotEmpty();
    }
    // What forgetting does to a replaced snapshot: its bitmaps go, its manifest stays.
    LineageIndex.Hit hit;
    try (LineageIndex index = LineageIndex.open(root)) {
      hit = index.where(member).get(0);
    }
    Files.delete(hit.snapshot().directory().resolve(String.format("members-%05d.roaring", hit.shard())));
    try (LineageIndex index = LineageIndex.open(root)) {
      assertThat(index.rebuilt()).isTrue();
      assertThat(index.where(member)).extracting(h -> h.snapshot().snapshot()).doesNotContain(hit.snapshot().snapshot());
      assertAgreesWithCatalog(index, 510);
    }
  }

  @Test
  void aBitmapReplacedUnderTheSameNameAndTimeIsNoticedByItsFileKey() throws IOException {
    writeSnapshots(root, 2, 300, 2, 4);
    age(root);
    try (LineageIndex index = LineageIndex.open(root)) {
      assertThat(index.rebuilt()).isTrue();
    }
    Path snapshot = SnapshotFiles.snapshotDirectories(root).get(0);
    Path bitmap = snapshot.resolve("members-00000.roaring");
    RoaringBitmap other = RoaringBitmap.bitmapOf(299);
    Path replacement = snapshot.resolve(".replacement");
    writeBitmap(replacement, other);
    Files.move(replacement, bitmap, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    age(root);
    try (LineageIndex index = LineageIndex.open(root)) {
      assertThat(index.rebuilt()).isTrue();
      assertAgreesWithCatalog(index, 310);
    }
  }

  @Test
  void aPublishedOrRetiredSnapshotIsSeen() throws IOException {
    writeSnapshots(root, 3, 400, 3, 5);
    age(root);
    try (LineageIndex index = LineageIndex.open(root)) {
      assertThat(index.snapshots()).hasSize(3);
    }
    writeSnapshot(root, "zz-published-later", Instant.parse("2025-06-01T00:00:00Z"), 400, 3, new SplittableRandom(9));
    try (LineageIndex index = LineageIndex.open(root)) {
      assertThat(index.rebuilt()).isTrue();
      assertThat(index.snapshots()).extracting(LineageIndex.Snapshot::snapshot).contains("zz-published-later");
      assertAgreesWithCatalog(index, 410);
    }
    DurableFiles.deleteTree(SnapshotFiles.snapshotDirectories(root).get(0));
    age(root);
    try (LineageIndex index = LineageIndex.open(root)) {
      assertThat(index.rebuilt()).isTrue();
      assertThat(index.snapshots()).hasSize(3);
      assertAgreesWithCatalog(index, 410);
    }
  }

  @Test
  void aTornOrForeignIndexIsReadAgainFromTheFiles() throws IOException {
    writeSnapshots(root, 3, 400, 3, 6);
    age(root);
    LineageIndex.open(root).close();
    Path file = root.resolve(LineageIndex.DIRECTORY).resolve("index");
    byte[] whole = Files.readAllBytes(file);
    byte[] garbled = whole.clone();
    for (int i = 36; i < garbled.length; i += 7) {
      garbled[i] = (byte) 0xff; // lengths and strings of the header become nonsense
    }
    for (byte[] broken : List.of(new byte[0], java.util.Arrays.copyOf(whole, whole.length / 2), "not an index".getBytes(), garbled)) {
      Files.write(file, broken);
      try (LineageIndex index = LineageIndex.open(root)) {
        assertThat(index.rebuilt()).isTrue();
        assertAgreesWithCatalog(index, 410);
      }
    }
    // An index copied from another root records that root's state, not this one's.
    Path elsewhere = temp.resolve("elsewhere");
    writeSnapshots(elsewhere, 3, 400, 3, 7);
    age(elsewhere);
    LineageIndex.open(elsewhere).close();
    Files.copy(elsewhere.resolve(LineageIndex.DIRECTORY).resolve("index"), file, StandardCopyOption.REPLACE_EXISTING);
    try (LineageIndex index = LineageIndex.open(root)) {
      assertThat(index.rebuilt()).isTrue();
      assertAgreesWithCatalog(index, 410);
    }
  }

  @Test
  void nothingIsWrittenIntoARootReadOnlyOrWithoutSnapshots() throws IOException {
    Files.createDirectories(root);
    LineageIndex.open(root).close();
    assertThat(root).isEmptyDirectory();
    writeSnapshots(root, 2, 100, 2, 8);
    age(root);
    try (LineageIndex index = LineageIndex.openReadOnly(root)) {
      assertThat(index.rebuilt()).isTrue();
      assertAgreesWithCatalog(index, 110);
    }
    assertThat(root.resolve(LineageIndex.DIRECTORY)).doesNotExist();
  }

  @Test
  void aRootThatDoesNotExistHoldsNothing() throws IOException {
    try (LineageIndex index = LineageIndex.open(temp.resolve("absent"))) {
      assertThat(index.snapshots()).isEmpty();
      assertThat(index.where(0)).isEmpty();
      assertThat(index.where(-1)).isEmpty();
    }
    assertThat(temp.resolve("absent")).doesNotExist();
  }

  @Test
  void realBuildsAreIndexedAsTheCatalogReadsThem() throws Exception {
    Path ledgerFile = temp.resolve("ledger.jsonl");
    Path content = temp.resolve("content.jsonl");
    CrashTest.writeInputs(ledgerFile, content, 60, 3);
    var ledger = PipelineFixtures.load(ledgerFile).ledger();
    for (Instant asOf : List.of(Instant.parse("2024-12-01T00:00:00Z"), Instant.parse("2024-12-02T00:00:00Z"))) {
      SnapshotEngine.embedded(PipelineFixtures.DETECTOR)
          .build(ledger, PipelineFixtures.request("genai-training", asOf, List.of(content), root, 3), ProgressListener.NONE);
    }
    age(root);
    LineageIndex.open(root).close();
    try (LineageIndex index = LineageIndex.open(root)) {
      assertThat(index.rebuilt()).isFalse();
      assertThat(index.snapshots()).hasSize(2);
      assertAgreesWithCatalog(index, 70);
    }
  }

  @Property(tries = 40)
  void agreesWithTheCatalogForEveryMember(
      @ForAll @IntRange(min = 0, max = 6) int snapshots,
      @ForAll @IntRange(min = 1, max = 70_000) int members,
      @ForAll @IntRange(min = 1, max = 300) int shards,
      @ForAll long seed) throws IOException {
    Path dir = Files.createTempDirectory("lineage");
    try {
      Path r = dir.resolve("root");
      writeSnapshots(r, snapshots, members, shards, seed);
      age(r);
      for (int pass = 0; pass < 2; pass++) {
        try (LineageIndex index = LineageIndex.open(r)) {
          // A root without snapshots gets no index: there is nothing to save reading.
          assertThat(index.rebuilt()).isEqualTo(pass == 0 || snapshots == 0);
          assertAgreesWithCatalog(index, members + 2);
        }
      }
    } finally {
      DurableFiles.deleteTree(dir);
    }
  }

  // ---- fixtures

  private static void assertAgreesWithCatalog(LineageIndex index, int members) throws IOException {
    SnapshotCatalog catalog = SnapshotCatalog.open(rootOf(index));
    assertThat(index.snapshots()).extracting(LineageIndex.Snapshot::snapshot)
        .containsExactlyElementsOf(catalog.snapshots().stream().map(SnapshotCatalog.Entry::snapshot).toList());
    for (int i = 0; i < catalog.snapshots().size(); i++) {
      SnapshotCatalog.Entry e = catalog.snapshots().get(i);
      LineageIndex.Snapshot s = index.snapshots().get(i);
      assertThat(s).isEqualTo(new LineageIndex.Snapshot(e.snapshot(), e.directory(), e.purpose(), e.asOf(),
          e.policyVersion(), e.included(), e.excluded(), e.shards().size(), e.union().getLongCardinality()));
    }
    for (int m = 0; m < members; m++) {
      List<String> expected = new ArrayList<>();
      for (SnapshotCatalog.Hit h : catalog.where(m)) {
        h.shards().forEach(s -> expected.add(h.snapshot().snapshot() + "/" + s));
      }
      List<String> actual = index.where(m).stream().map(h -> h.snapshot().snapshot() + "/" + h.shard()).toList();
      assertThat(actual).as("member %d", m).isEqualTo(expected);
    }
  }

  private static Path rootOf(LineageIndex index) {
    return index.snapshots().isEmpty() ? Path.of("/nonexistent-lethe-root") : index.snapshots().get(0).directory().getParent();
  }

  /** Snapshots whose manifests and bitmaps look like a build's: each member in one shard, kept across snapshots. */
  private static void writeSnapshots(Path root, int snapshots, int members, int shards, long seed) throws IOException {
    Files.createDirectories(root);
    SplittableRandom random = new SplittableRandom(seed);
    for (int s = 0; s < snapshots; s++) {
      writeSnapshot(root, String.format("%032x", random.nextLong() & Long.MAX_VALUE),
          Instant.parse("2024-06-01T00:00:00Z").plusSeconds(3600L * random.nextInt(48)), members, shards, random);
    }
  }

  private static void writeSnapshot(Path root, String id, Instant asOf, int members, int shards, SplittableRandom random)
      throws IOException {
    Path dir = Files.createDirectories(root.resolve(id));
    RoaringBitmap[] bitmaps = new RoaringBitmap[shards];
    for (int i = 0; i < shards; i++) {
      bitmaps[i] = new RoaringBitmap();
    }
    int density = 1 + random.nextInt(10);
    for (int m = 0; m < members; m++) {
      if (random.nextInt(10) < density) {
        // Mostly the member's usual shard; sometimes another (a member who moved region).
        int shard = random.nextInt(20) == 0 ? random.nextInt(shards) : Math.floorMod(m * 31 + 7, shards);
        bitmaps[shard].add(m);
      }
    }
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("snapshot", id).put("purpose", random.nextBoolean() ? "genai-training" : "ads-ranking")
        .put("as_of", asOf.toString()).put("included", random.nextInt(1000)).put("excluded_total", random.nextInt(100));
    if (random.nextBoolean()) {
      manifest.put("policy_version", "v" + random.nextInt(5));
    } else {
      manifest.putNull("policy_version");
    }
    ArrayNode list = manifest.putArray("shards");
    for (int i = 0; i < shards; i++) {
      String file = String.format("members-%05d.roaring", i);
      writeBitmap(dir.resolve(file), bitmaps[i]);
      list.addObject().put("shard", i).put("file", String.format("shard-%05d.jsonl.zst", i)).put("members_file", file);
    }
    JSON.writeValue(dir.resolve(SnapshotFiles.MANIFEST).toFile(), manifest);
  }

  private static void writeBitmap(Path file, RoaringBitmap bitmap) throws IOException {
    bitmap.runOptimize();
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
      bitmap.serialize(out);
    }
  }

  private static int firstMember(Path root) throws IOException {
    SnapshotCatalog catalog = SnapshotCatalog.open(root);
    return catalog.snapshots().stream().filter(e -> !e.union().isEmpty()).findFirst().orElseThrow().union().first();
  }

  /** Sets every time under {@code root} (and its own) long in the past, as after files have settled. */
  private static void age(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        if (!p.getFileName().toString().equals(LineageIndex.DIRECTORY) && !p.getParent().getFileName().toString().equals(LineageIndex.DIRECTORY)) {
          try {
            Files.setLastModifiedTime(p, LONG_AGO);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }
    }
  }
}
