package dev.lethe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.core.ledger.ConsentLedger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.DataOutputStream;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

class SnapshotCatalogTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  @Test
  void whereAgreesWithTheShardBitmapsForEveryMember() throws Exception {
    Path ledgerFile = temp.resolve("ledger.jsonl");
    Path content = temp.resolve("content.jsonl");
    CrashTest.writeInputs(ledgerFile, content, 60, 3);
    ConsentLedger ledger = PipelineFixtures.load(ledgerFile).ledger();
    Path out = temp.resolve("out");
    List<SnapshotResult> results = new ArrayList<>();
    for (Instant asOf : List.of(Instant.parse("2024-12-01T00:00:00Z"), Instant.parse("2024-12-02T00:00:00Z"))) {
      results.add(SnapshotEngine.embedded(PipelineFixtures.DETECTOR)
          .build(ledger, PipelineFixtures.request("genai-training", asOf, List.of(content), out, 3), ProgressListener.NONE));
    }
    SnapshotCatalog catalog = SnapshotCatalog.open(out);
    assertThat(catalog.snapshots()).hasSize(2);
    for (int member = 0; member < 60; member++) {
      List<String> expected = new ArrayList<>();
      for (SnapshotResult r : results) {
        for (var shard : r.metadata().shards()) {
          RoaringBitmap bitmap = SnapshotAssert.members(r.directory(), shard.members());
          if (bitmap.contains(member)) {
            expected.add(r.metadata().snapshot() + "/" + shard.shard());
          }
        }
      }
      List<String> actual = new ArrayList<>();
      for (SnapshotCatalog.Hit hit : catalog.where(member)) {
        hit.shards().forEach(s -> actual.add(hit.snapshot().snapshot() + "/" + s));
      }
      assertThat(actual).as("member %d", member).containsExactlyInAnyOrderElementsOf(expected);
    }
    assertThat(Files.list(out).count()).isPositive();
  }

  @Property(tries = 60)
  void eachMembersShardIsTheOneWhoseBitmapHoldsThem(
      @ForAll @IntRange(min = 1, max = 40) int shards,
      @ForAll @IntRange(min = 0, max = 20_000) int members,
      @ForAll boolean sparse,
      @ForAll long seed) throws Exception {
    // Dense member numbers (as a store gives) and sparse ones (up to 2^31 - 1) take different paths.
    Path root = Files.createTempDirectory("catalog");
    try {
      SplittableRandom random = new SplittableRandom(seed);
      Path dir = Files.createDirectories(root.resolve("s1"));
      RoaringBitmap[] bitmaps = new RoaringBitmap[shards];
      for (int i = 0; i < shards; i++) {
        bitmaps[i] = new RoaringBitmap();
      }
      RoaringBitmap all = new RoaringBitmap();
      for (int k = 0; k < members; k++) {
        int m = sparse ? random.nextInt(Integer.MAX_VALUE) : random.nextInt(members * 2 + 1);
        if (all.checkedAdd(m)) {
          bitmaps[random.nextInt(shards)].add(m);
        }
      }
      ObjectNode manifest = JSON.createObjectNode();
      manifest.put("snapshot", "s1").put("purpose", "p").put("as_of", "2024-01-01T00:00:00Z")
          .put("included", 0).put("excluded_total", 0).putNull("policy_version");
      ArrayNode list = manifest.putArray("shards");
      for (int i = 0; i < shards; i++) {
        String file = String.format("members-%05d.roaring", i);
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(dir.resolve(file)))) {
          bitmaps[i].serialize(out);
        }
        list.addObject().put("shard", 7 * i + 3).put("members_file", file);
      }
      JSON.writeValue(dir.resolve("manifest.json").toFile(), manifest);
      SnapshotCatalog catalog = SnapshotCatalog.open(root);
      for (int i = 0; i < shards; i++) {
        int shard = 7 * i + 3;
        for (int m : bitmaps[i]) {
          assertThat(catalog.where(m)).as("member %d", m).singleElement()
              .satisfies(h -> assertThat(h.shards()).containsExactly(shard));
        }
      }
      assertThat(catalog.where(sparse ? -1 : members * 2 + 1)).isEmpty();
    } finally {
      DurableFiles.deleteTree(root);
    }
  }
}
