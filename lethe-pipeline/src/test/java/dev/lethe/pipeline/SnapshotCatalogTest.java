package dev.lethe.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.core.ledger.ConsentLedger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

class SnapshotCatalogTest {

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
}
