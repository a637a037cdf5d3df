package dev.lethe.pipeline.meta;

import java.time.Instant;
import java.util.List;
import java.util.TreeMap;

/** A snapshot as the engine would describe it, with every field populated. */
final class Fixtures {

  static final String SNAPSHOT =
      "9b2e4f0c1d3a5b7c9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d4e6f8a0b2c4d";

  private Fixtures() {}

  static SnapshotMetadata snapshot() {
    TreeMap<String, Long> excluded = new TreeMap<>();
    excluded.put("jurisdiction-blocked", 310L);
    excluded.put("minor", 12L);
    excluded.put("kind-excluded", 40L);
    excluded.put("malformed", 2L);
    excluded.put("visibility-excluded", 77L);
    excluded.put("withdrawn", 5L);
    TreeMap<String, Long> redactions = new TreeMap<>();
    redactions.put("EMAIL", 20L);
    redactions.put("PERSON", 88L);
    redactions.put("PHONE", 7L);
    return new SnapshotMetadata(
        SNAPSHOT,
        "genai-training",
        "Data for Generative AI Improvement",
        Instant.parse("2024-10-01T00:00:00Z"),
        "2024-09-18",
        List.of("ai-feedback", "ai-input", "article", "comment", "post"),
        List.of("public"),
        1234,
        excluded,
        redactions,
        "EMAIL and PHONE replaced by typed placeholders; PERSON pseudonymized with a keyed hash",
        List.of(
            new SnapshotMetadata.Shard(
                0, "rest", "shard-00000.jsonl.zst", "members-00000.roaring", 700, 40, hex('a'), 51234),
            new SnapshotMetadata.Shard(
                1, "UK", "shard-00001.jsonl.zst", "members-00001.roaring", 534, 31, hex('b'), 40960)),
        List.of(
            new SnapshotMetadata.Input("content.jsonl", hex('c')),
            new SnapshotMetadata.Input("ledger", hex('d'))),
        SnapshotMetadata.Encoding.JSONL);
  }

  static String hex(char c) {
    return String.valueOf(c).repeat(64);
  }
}
