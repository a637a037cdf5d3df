package dev.lethe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.testkit.Trees;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
  void aFlippedByteInAnyRegionOfTheFileIsNeverAnsweredFromAndTheFileIsRewritten() throws IOException {
    Stored stored = storedIndex(5, 30_000, 4, 11);
    Path file = stored.file();
    byte[] good = stored.good();
    Layout layout = stored.layout();
    assertThat(layout.chunks()).as("a body of several chunks").isGreaterThan(3);
    List<long[]> regions = List.of(
        new long[] {0, LineageIndex.PREAMBLE},                        // magic, version, lengths, header checksum
        new long[] {LineageIndex.PREAMBLE, layout.crcsAt()},         // recorded files, snapshots, member limit
        new long[] {layout.crcsAt(), layout.offsetsAt()},            // the body's chunk checksums
        new long[] {layout.offsetsAt(), layout.postingsAt()},        // per-member offsets
        new long[] {layout.postingsAt(), good.length});              // postings
    SplittableRandom random = new SplittableRandom(12);
    for (long[] region : regions) {
      for (long at : List.of(region[0], region[1] - 1, region[0] + random.nextLong(region[1] - region[0]))) {
        Files.write(file, good);
        flip(file, at, 1 + random.nextInt(255));
        try (LineageIndex index = LineageIndex.open(root)) {
          if (at < layout.offsetsAt()) {
            assertThat(index.rebuilt()).as("header byte %d: checked on open", at).isTrue();
          }
          assertAgreesWithCatalog(index, layout.memberLimit() + 2);
          assertThat(index.rebuilt()).as("byte %d: every chunk was read, the flipped one found", at).isTrue();
        }
        assertThat(Files.readAllBytes(file)).as("byte %d: the index is written again from the files", at).isEqualTo(good);
      }
    }
  }

  @Test
  void aByteFlippedWhileTheIndexIsOpenIsNeverAnsweredFrom() throws IOException {
    Stored stored = storedIndex(4, 20_000, 3, 13);
    Path file = stored.file();
    byte[] good = stored.good();
    Layout layout = stored.layout();
    try (LineageIndex index = LineageIndex.open(root)) {
      assertThat(index.rebuilt()).isFalse();
      // Overwritten in place (not renamed over), so the open file shows it: postings, then offsets.
      flip(file, layout.postingsAt() + (good.length - layout.postingsAt()) / 2, 0x10);
      flip(file, layout.offsetsAt() + 8L * (layout.memberLimit() / 3) + 7, 0x01);
      assertAgreesWithCatalog(index, layout.memberLimit() + 2);
      assertThat(index.rebuilt()).isTrue();
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(good);
  }

  @Test
  void aCorruptIndexOpenedReadOnlyIsAnsweredFromTheFilesAndLeftAlone() throws IOException {
    Stored stored = storedIndex(3, 20_000, 3, 14);
    Path file = stored.file();
    byte[] good = stored.good();
    Layout layout = stored.layout();
    flip(file, layout.postingsAt() + 5, 0x80);
    byte[] corrupt = Files.readAllBytes(file);
    try (LineageIndex index = LineageIndex.openReadOnly(root)) {
      assertAgreesWithCatalog(index, layout.memberLimit() + 2);
      assertThat(index.rebuilt()).isTrue();
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(corrupt);
  }

  @Property(tries = 30)
  void aFlippedByteAnywhereIsNeverAnsweredFrom(
      @ForAll @IntRange(min = 1, max = 4) int snapshots,
      @ForAll @IntRange(min = 1, max = 20_000) int members,
      @ForAll @IntRange(min = 1, max = 20) int shards,
      @ForAll long seed,
      @ForAll @IntRange(min = 0, max = 999_999) int where,
      @ForAll @IntRange(min = 1, max = 255) int mask,
      @ForAll boolean whileOpen) throws IOException {
    Path dir = Files.createTempDirectory("lineage");
    try {
      Path r = dir.resolve("root");
      writeSnapshots(r, snapshots, members, shards, seed);
      age(r);
      LineageIndex.open(r).close();
      Path file = r.resolve(LineageIndex.DIRECTORY).resolve("index");
      long at = (long) where * Files.size(file) / 1_000_000;
      if (whileOpen) {
        try (LineageIndex index = LineageIndex.open(r)) {
          flip(file, at, mask);
          assertAgreesWithCatalog(index, members + 2);
        }
      } else {
        flip(file, at, mask);
        try (LineageIndex index = LineageIndex.open(r)) {
          assertAgreesWithCatalog(index, members + 2);
        }
      }
    } finally {
      DurableFiles.deleteTree(dir);
    }
  }

  @Property(tries = 40)
  void anIndexUpdatedForChangedSnapshotsIsTheOneReadFromAllTheFiles(
      @ForAll @IntRange(min = 0, max = 5) int snapshots,
      @ForAll @IntRange(min = 1, max = 30_000) int members,
      @ForAll @IntRange(min = 1, max = 40) int shards,
      @ForAll @IntRange(min = 0, max = 3) int published,
      @ForAll @IntRange(min = 0, max = 3) int retired,
      @ForAll boolean forget,
      @ForAll long seed) throws IOException {
    Path dir = Files.createTempDirectory("lineage");
    try {
      Path r = dir.resolve("root");
      writeSnapshots(r, snapshots, members, shards, seed);
      age(r);
      LineageIndex.open(r).close();
      SplittableRandom random = new SplittableRandom(seed ^ 0x5eedL);
      List<Path> initially = SnapshotFiles.snapshotDirectories(r);
      for (int i = 0; i < published; i++) {
        // Anywhere in the order, and sometimes holding members beyond all before.
        writeSnapshot(r, String.format("%032x", random.nextLong() & Long.MAX_VALUE),
            Instant.parse("2024-06-01T00:00:00Z").plusSeconds(3600L * random.nextInt(48)),
            members + (random.nextBoolean() ? random.nextInt(2_000) : 0), shards, random);
      }
      for (int i = 0; i < retired && !SnapshotFiles.snapshotDirectories(r).isEmpty(); i++) {
        List<Path> dirs = SnapshotFiles.snapshotDirectories(r);
        DurableFiles.deleteTree(dirs.get(random.nextInt(dirs.size())));
      }
      List<Path> left = SnapshotFiles.snapshotDirectories(r);
      Path forgotten = forget && !left.isEmpty() ? left.get(random.nextInt(left.size())) : null;
      if (forgotten != null) {
        // What forgetting does: a shard's bitmap deleted, its manifest kept.
        Files.deleteIfExists(forgotten.resolve(String.format("members-%05d.roaring", random.nextInt(shards))));
      }
      // (A snapshot published and retired again leaves the stored index as it was.)
      boolean changed = forgotten != null || !left.equals(initially);
      age(r);
      if (forgotten != null) {
        // Its directory's time changed with the deletion (age() set every time alike).
        Files.setLastModifiedTime(forgotten, FileTime.from(Instant.parse("2024-01-02T00:00:00Z")));
      }
      try (LineageIndex index = LineageIndex.open(r)) {
        assertThat(index.updated()).as("only the changed snapshots read").isEqualTo(snapshots > 0 && changed);
        assertAgreesWithCatalog(index, members + 2_100);
      }
      try (LineageIndex index = LineageIndex.open(r)) {
        assertThat(index.rebuilt()).as("answered from the stored base and delta").isEqualTo(left.isEmpty());
        assertAgreesWithCatalog(index, members + 2_100);
      }
      Path delta = r.resolve(LineageIndex.DIRECTORY).resolve(LineageIndex.DELTA);
      if (Files.exists(delta)) {
        // The delta is a function of the base and the files: made again, byte for byte the same.
        byte[] written = Files.readAllBytes(delta);
        Files.delete(delta);
        try (LineageIndex index = LineageIndex.open(r)) {
          assertThat(index.updated()).isTrue();
        }
        assertThat(Files.readAllBytes(delta)).isEqualTo(written);
      }
    } finally {
      DurableFiles.deleteTree(dir);
    }
  }

  @Test
  void updatesWriteOnlyADeltaBesideTheBaseUntilTooManyThenTheBaseIsTheOneReadFromAllTheFiles() throws IOException {
    writeSnapshots(root, 3, 5_000, 4, 21);
    age(root);
    LineageIndex.open(root).close();
    Path base = root.resolve(LineageIndex.DIRECTORY).resolve("index");
    Path delta = root.resolve(LineageIndex.DIRECTORY).resolve(LineageIndex.DELTA);
    byte[] first = Files.readAllBytes(base);
    SplittableRandom random = new SplittableRandom(22);
    for (int k = 1; k <= LineageIndex.MAX_DELTA + 1; k++) {
      writeSnapshot(root, String.format("%032x", 1_000 + k), Instant.parse("2024-05-01T00:00:00Z").plusSeconds(7_200L * k),
          5_000 + 100 * k, 4, random);
      age(root);
      try (LineageIndex index = LineageIndex.open(root)) {
        assertThat(index.updated()).isTrue();
        assertAgreesWithCatalog(index, 6_000);
      }
      try (LineageIndex index = LineageIndex.open(root)) {
        assertThat(index.rebuilt()).isFalse();
        assertAgreesWithCatalog(index, 6_000);
        if (k <= LineageIndex.MAX_DELTA) {
          assertThat(index.deltaSnapshots()).isEqualTo(k);
          assertThat(Files.readAllBytes(base)).as("the base is not written again").isEqualTo(first);
        } else {
          assertThat(index.deltaSnapshots()).isZero();
          assertThat(delta).doesNotExist();
        }
      }
    }
    // Compacted: byte for byte the index read from every file.
    byte[] compacted = Files.readAllBytes(base);
    DurableFiles.deleteTree(root.resolve(LineageIndex.DIRECTORY));
    try (LineageIndex index = LineageIndex.open(root)) {
      assertThat(index.updated()).isFalse();
    }
    assertThat(Files.readAllBytes(base)).isEqualTo(compacted);
  }

  @Test
  void aFlippedByteAnywhereInADeltaIsNeverAnsweredFrom() throws IOException {
    writeSnapshots(root, 3, 20_000, 3, 23);
    age(root);
    LineageIndex.open(root).close();
    writeSnapshot(root, "zz-published-later", Instant.parse("2025-06-01T00:00:00Z"), 20_500, 3, new SplittableRandom(24));
    age(root);
    LineageIndex.open(root).close();
    Path base = root.resolve(LineageIndex.DIRECTORY).resolve("index");
    Path delta = root.resolve(LineageIndex.DIRECTORY).resolve(LineageIndex.DELTA);
    byte[] goodBase = Files.readAllBytes(base);
    byte[] goodDelta = Files.readAllBytes(delta);
    try (LineageIndex index = LineageIndex.open(root)) {
      assertThat(index.rebuilt()).isFalse();
      assertThat(index.deltaSnapshots()).isEqualTo(1);
    }
    SplittableRandom random = new SplittableRandom(25);
    List<Long> at = new ArrayList<>(List.of(0L, (long) LineageIndex.PREAMBLE, (long) goodDelta.length - 1));
    for (int i = 0; i < 12; i++) {
      at.add(random.nextLong(goodDelta.length));
    }
    for (long where : at) {
      Files.write(base, goodBase);
      Files.write(delta, goodDelta);
      flip(delta, where, 1 + random.nextInt(255));
      try (LineageIndex index = LineageIndex.open(root)) {
        assertAgreesWithCatalog(index, 20_502);
        assertThat(index.rebuilt()).as("delta byte %d", where).isTrue();
      }
    }
    // A delta beside another base is ignored, never applied to it. Compaction writes the new base
    // before it removes the delta, so a crash between the two leaves the old delta beside it.
    Files.write(base, goodBase);
    Files.write(delta, goodDelta);
    SplittableRandom more = new SplittableRandom(26);
    for (int i = 1; i < LineageIndex.MAX_DELTA; i++) {
      writeSnapshot(root, "zz-published-later-" + i, Instant.parse("2025-06-01T00:00:00Z").plusSeconds(i), 20_500, 3, more);
      age(root);
      LineageIndex.open(root).close();
    }
    try (LineageIndex index = LineageIndex.open(root)) {
      assertThat(index.rebuilt()).isFalse();
      assertThat(index.deltaSnapshots()).isEqualTo(LineageIndex.MAX_DELTA);
    }
    byte[] staleDelta = Files.readAllBytes(delta);
    // One more, and the base is written again. It sorts first, so every snapshot's place in the
    // new base differs from its place in the old one, which the stale delta's order refers to.
    Path earliest = root.resolve("00-published-earlier");
    writeSnapshot(root, earliest.getFileName().toString(), Instant.parse("2023-01-01T00:00:00Z"), 20_500, 3, more);
    age(root);
    try (LineageIndex index = LineageIndex.open(root)) {
      assertThat(index.deltaSnapshots()).isZero();
      assertAgreesWithCatalog(index, 20_502);
    }
    assertThat(delta).doesNotExist();
    byte[] compacted = Files.readAllBytes(base);
    assertThat(compacted).isNotEqualTo(goodBase);

    // The crash: the stale delta beside the new base, which alone is current and answers.
    Files.write(delta, staleDelta);
    try (LineageIndex index = LineageIndex.open(root)) {
      assertThat(index.rebuilt()).isFalse();
      assertThat(index.deltaSnapshots()).isZero();
      assertAgreesWithCatalog(index, 20_502);
    }
    assertThat(Files.readAllBytes(base)).isEqualTo(compacted);

    // Then the earliest snapshot is retired: the files are again exactly as the stale delta
    // records them, and only the base it names tells it is not this base's. Applied to this base,
    // it would answer the retired snapshot (in the place of the old base's first) and drop the last.
    Files.write(delta, staleDelta);
    DurableFiles.deleteTree(earliest);
    age(root);
    try (LineageIndex index = LineageIndex.open(root)) {
      assertAgreesWithCatalog(index, 20_502);
      assertThat(index.snapshots()).extracting(LineageIndex.Snapshot::snapshot).doesNotContain("00-published-earlier");
    }
  }

  @Test
  void aBitmapReplacedInPlaceInAnUnchangedDirectoryIsNotTakenFromTheOldIndex() throws IOException {
    writeSnapshots(root, 3, 2_000, 3, 17);
    age(root);
    LineageIndex.open(root).close();
    writeSnapshot(root, "zz-published-later", Instant.parse("2025-06-01T00:00:00Z"), 2_000, 3, new SplittableRandom(18));
    // Rewritten in place: the directory's time stays as recorded, the bitmap's does not.
    Path kept = SnapshotFiles.snapshotDirectories(root).get(0);
    writeBitmap(kept.resolve("members-00001.roaring"), RoaringBitmap.bitmapOf(1_999));
    age(root);
    Files.setLastModifiedTime(kept.resolve("members-00001.roaring"), FileTime.from(Instant.parse("2024-01-02T00:00:00Z")));
    try (LineageIndex index = LineageIndex.open(root)) {
      assertThat(index.rebuilt()).isTrue();
      assertThat(index.updated()).isFalse();
      assertAgreesWithCatalog(index, 2_010);
    }
  }

  @Test
  void aMemberInTwoBitmapsOfOneSnapshotIsTakenInTheLaterOneAsTheCatalogTakesIt() throws IOException {
    Path dir = Files.createDirectories(root.resolve("0000000000000000000000000000000d"));
    writeBitmap(dir.resolve("members-00000.roaring"), RoaringBitmap.bitmapOf(1, 2, 3, 70_000));
    writeBitmap(dir.resolve("members-00001.roaring"), RoaringBitmap.bitmapOf(2, 4, 70_000));
    writeBitmap(dir.resolve("members-00002.roaring"), RoaringBitmap.bitmapOf(3, 70_000));
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("snapshot", "0000000000000000000000000000000d").put("purpose", "genai-training")
        .put("as_of", "2024-06-01T00:00:00Z").put("included", 5).put("excluded_total", 0).putNull("policy_version");
    ArrayNode list = manifest.putArray("shards");
    for (int i = 0; i < 3; i++) {
      list.addObject().put("shard", i).put("members_file", String.format("members-%05d.roaring", i));
    }
    JSON.writeValue(dir.resolve(SnapshotFiles.MANIFEST).toFile(), manifest);
    writeSnapshot(root, "zz-later", Instant.parse("2025-01-01T00:00:00Z"), 80_000, 3, new SplittableRandom(15));
    age(root);
    try (LineageIndex index = LineageIndex.open(root)) {
      assertThat(index.snapshots().get(0).members()).isEqualTo(5);
      assertThat(index.where(70_000).get(0).shard()).isEqualTo(2);
      assertAgreesWithCatalog(index, 80_010);
    }
  }

  @Test
  void sparseMemberNumbersAreIndexedAsTheCatalogReadsThem() throws IOException {
    SplittableRandom random = new SplittableRandom(16);
    for (int s = 0; s < 3; s++) {
      Path dir = Files.createDirectories(root.resolve(String.format("%032x", s)));
      RoaringBitmap[] bitmaps = {new RoaringBitmap(), new RoaringBitmap()};
      for (int k = 0; k < 300; k++) {
        int m = 3_000_000 + random.nextInt(5_000_000);
        bitmaps[m % 2].add(m);
      }
      ArrayNode list = JSON.createArrayNode();
      for (int i = 0; i < 2; i++) {
        writeBitmap(dir.resolve("members-" + i + ".roaring"), bitmaps[i]);
        list.addObject().put("shard", i).put("members_file", "members-" + i + ".roaring");
      }
      ObjectNode manifest = JSON.createObjectNode();
      manifest.put("snapshot", String.format("%032x", s)).put("purpose", "genai-training")
          .put("as_of", Instant.parse("2024-06-01T00:00:00Z").plusSeconds(s).toString()).put("included", 1)
          .put("excluded_total", 0).putNull("policy_version").set("shards", list);
      JSON.writeValue(dir.resolve(SnapshotFiles.MANIFEST).toFile(), manifest);
    }
    age(root);
    try (LineageIndex index = LineageIndex.open(root)) {
      SnapshotCatalog catalog = SnapshotCatalog.open(root);
      for (SnapshotCatalog.Entry e : catalog.snapshots()) {
        for (int m : e.union()) {
          assertThat(index.where(m)).extracting(h -> h.snapshot().snapshot() + "/" + h.shard())
              .isEqualTo(catalog.where(m).stream().map(h -> h.snapshot().snapshot() + "/" + h.shards().get(0)).toList());
        }
      }
      assertThat(index.where(2_999_999)).isEmpty();
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

  /** Where the regions of a stored index file are, read as the format says (see LineageIndex). */
  /** A stored index, aged so that it is valid, with its bytes as written and their layout. */
  private record Stored(Path file, byte[] good, Layout layout) {}

  /** Writes the snapshots into {@link #root}, ages them, stores their index and reads it back. */
  private Stored storedIndex(int snapshots, int members, int shards, long seed) throws IOException {
    writeSnapshots(root, snapshots, members, shards, seed);
    age(root);
    LineageIndex.open(root).close();
    Path file = root.resolve(LineageIndex.DIRECTORY).resolve("index");
    byte[] good = Files.readAllBytes(file);
    return new Stored(file, good, Layout.of(good, root));
  }

  private record Layout(long offsetsAt, long crcsAt, long postingsAt, int memberLimit, long chunks) {
    static Layout of(byte[] file, Path root) throws IOException {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(file);
      long offsetsAt = b.getLong(16);
      int limit = 0;
      for (SnapshotCatalog.Entry e : SnapshotCatalog.open(root).snapshots()) {
        limit = e.union().isEmpty() ? limit : Math.max(limit, e.union().last() + 1);
      }
      long chunks = (file.length - offsetsAt + LineageIndex.CHUNK_BYTES - 1) / LineageIndex.CHUNK_BYTES;
      return new Layout(offsetsAt, offsetsAt - 4 * chunks, offsetsAt + 8L * (limit + 1L), limit, chunks);
    }
  }

  /** Changes the byte at {@code at} in place (the same file, so an open index's reads see it). */
  private static void flip(Path file, long at, int mask) throws IOException {
    try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
        java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
      channel.read(one, at);
      one.put(0, (byte) (one.get(0) ^ mask)).rewind();
      channel.write(one, at);
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

  /** Sets every time under {@code root} (and its own) but the index's long in the past, as after files have settled. */
  private static void age(Path root) throws IOException {
    Trees.setLastModified(root, LONG_AGO, root.resolve(LineageIndex.DIRECTORY));
  }
}
