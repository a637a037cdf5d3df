package dev.lethe.pipeline;

import static dev.lethe.pipeline.SnapshotAssert.assertThatSnapshot;
import static dev.lethe.pipeline.SnapshotScenarioTest.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotEngineTest {

  static final String LEDGER = String.join("\n",
      "{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\",\"effective\":\"2024-01-01T00:00:00Z\",\"notice_days\":0,"
          + "\"regions\":{\"EEA\":[\"DE\",\"FR\"],\"UK\":[\"GB\"]},\"purposes\":{\"genai-training\":{\"title\":\"Data for Generative AI Improvement\",\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,"
          + "\"content_kinds\":[\"post\",\"comment\",\"message\"],\"visibility\":[\"public\"],\"rules\":{\"EEA\":\"blocked\"}}}}}",
      "{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"ann\",\"country\":\"GB\",\"birth_date\":\"1990-01-01\",\"name\":\"Ann Hathaway-Smith\"}",
      "{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"dirk\",\"country\":\"DE\",\"birth_date\":\"1990-01-01\"}",
      "{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"kid\",\"country\":\"US\",\"birth_date\":\"2012-01-01\"}",
      "{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"uma\",\"country\":\"US\",\"birth_date\":\"1980-01-01\"}",
      "{\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"ann\",\"policy_version\":\"v1\"}",
      "{\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"dirk\",\"policy_version\":\"v1\"}",
      "{\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"kid\",\"policy_version\":\"v1\"}",
      "{\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"uma\",\"policy_version\":\"v1\"}",
      "{\"type\":\"content.posted\",\"at\":\"2024-01-04T00:00:00Z\",\"content\":\"L1\",\"member\":\"uma\",\"kind\":\"post\",\"visibility\":\"public\",\"text\":\"ledger post by uma\"}",
      "{\"type\":\"content.posted\",\"at\":\"2024-01-04T00:00:00Z\",\"content\":\"L2\",\"member\":\"dirk\",\"kind\":\"post\",\"visibility\":\"public\",\"text\":\"ledger post by dirk\"}",
      "");
  static final Instant AS_OF = Instant.parse("2024-02-01T00:00:00Z");

  @TempDir Path temp;

  static ConsentLedger ledger() throws Exception {
    return LedgerReader.load(new ByteArrayInputStream(LEDGER.getBytes(StandardCharsets.UTF_8))).ledger();
  }

  private Path content() throws Exception {
    Instant posted = Instant.parse("2024-01-10T00:00:00Z");
    List<String> lines = new ArrayList<>();
    lines.add(record("a1", "ann", "post", "public", posted, null));
    lines.add(record("a2", "ann", "comment", "public", posted, null));
    lines.add(record("a3", "ann", "message", "public", posted, null));
    lines.add(record("a4", "ann", "post", "connections", posted, null));
    lines.add(record("a5", "ann", "post", "public", posted, Instant.parse("2024-01-20T00:00:00Z")));
    lines.add(record("a6", "ann", "post", "public", Instant.parse("2024-03-01T00:00:00Z"), null));
    lines.add(record("d1", "dirk", "post", "public", posted, null));
    lines.add(record("k1", "kid", "post", "public", posted, null));
    lines.add(record("u1", "uma", "post", "public", posted, null)
        .replace("by a member", "mail me at uma@example.org, Ann Hathaway-Smith knows"));
    lines.add(record("x1", "stranger", "post", "public", posted, null));
    lines.add("{\"content\":\"bad1\",\"member\":\"ann\"}");
    lines.add("not json at all");
    lines.add(record("bad2", "ann", "post", "everyone", posted, null));
    lines.add("");
    Path file = temp.resolve("content.jsonl");
    Files.write(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    // One line of invalid UTF-8: excluded on its own, the build goes on.
    Files.write(file, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}', '\n'}, java.nio.file.StandardOpenOption.APPEND);
    return file;
  }

  private SnapshotResult build(Path content, Path out, int threads) throws Exception {
    return SnapshotEngine.embedded(PipelineFixtures.DETECTOR)
        .build(ledger(), PipelineFixtures.request("genai-training", AS_OF, List.of(content), out, threads), ProgressListener.NONE);
  }

  @Test
  void everyRecordIsIncludedOrCountedUnderOneNamedReason() throws Exception {
    SnapshotResult result = build(content(), temp.resolve("out"), 2);
    assertThatSnapshot(result.directory())
        .isConsistent()
        .includesExactly(List.of("L1", "a1", "a2", "u1"))
        .hasExcluded("jurisdiction-blocked", 2) // dirk's ledger post and export post
        .hasExcluded("minor", 1)
        .hasExcluded("unknown-member", 1)
        .hasExcluded("kind-excluded", 1) // the private message, even though the policy lists it
        .hasExcluded("visibility-excluded", 1)
        .hasExcluded("content-deleted", 1)
        .hasExcluded("not-yet-posted", 1)
        .hasExcluded("malformed", 4);
    assertThat(result.metadata().included()).isEqualTo(4);
    assertThat(result.metadata().policyVersion()).isEqualTo("v1");
  }

  @Test
  void blockedRegionsAndMinorsContributeNoMembersToAnyShard() throws Exception {
    ConsentLedger ledger = ledger();
    SnapshotResult result = build(content(), temp.resolve("out"), 2);
    assertThatSnapshot(result.directory())
        .hasNoMember(ledger.memberNumber("dirk").orElseThrow())
        .hasNoMember(ledger.memberNumber("kid").orElseThrow());
    assertThat(result.metadata().shards()).noneMatch(s -> s.group().equals("EEA"));
    assertThat(result.metadata().shards()).allMatch(s -> s.group().equals("UK") || s.group().equals("rest"));
  }

  @Test
  void personalDataIsRedactedAndNoMemberIdReachesTrainingFiles() throws Exception {
    SnapshotResult result = build(content(), temp.resolve("out"), 2);
    String all = String.join("\n", SnapshotAssert.lines(result.directory()).values().stream()
        .flatMap(List::stream).map(Object::toString).toList());
    assertThat(all).doesNotContain("uma@example.org", "Hathaway-Smith", "\"member\"");
    assertThat(result.metadata().redactions()).containsKey("EMAIL_ADDRESS");
  }

  @Test
  void rebuildsAreByteIdenticalWhateverTheThreadCount() throws Exception {
    Path content = content();
    SnapshotResult one = build(content, temp.resolve("a"), 1);
    SnapshotResult four = build(content, temp.resolve("b"), 4);
    assertThat(four.metadata().snapshot()).isEqualTo(one.metadata().snapshot());
    for (String name : fileNames(one.directory())) {
      assertThat(Files.readAllBytes(four.directory().resolve(name)))
          .as(name).isEqualTo(Files.readAllBytes(one.directory().resolve(name)));
    }
    assertThat(fileNames(four.directory())).isEqualTo(fileNames(one.directory()));
    SnapshotResult again = build(content, temp.resolve("a"), 3);
    assertThat(again.alreadyPublished()).isTrue();
    assertThat(again.directory()).isEqualTo(one.directory());
  }

  @Test
  void aRebuildDoesNotAcceptADamagedPublishedSnapshotAsItself() throws Exception {
    Path content = content();
    SnapshotResult first = build(content, temp.resolve("out"), 2);
    String shard = first.metadata().shards().get(0).file();
    Files.writeString(first.directory().resolve(shard), "garbage");
    try (Stream<Path> files = Files.list(first.directory())) {
      Files.delete(files.filter(p -> p.getFileName().toString().endsWith(".roaring")).sorted().findFirst().orElseThrow());
    }
    Files.writeString(first.directory().resolve("extra.txt"), "added by hand");
    assertThatThrownBy(() -> build(content, temp.resolve("out"), 2))
        .isInstanceOf(SnapshotConflictException.class)
        .hasMessageContaining("does not match its rebuild")
        .hasMessageContaining(shard + " changed")
        .hasMessageContaining(".roaring missing")
        .hasMessageContaining("extra.txt added");
    assertThat(Files.readString(first.directory().resolve(shard))).isEqualTo("garbage"); // left as it is
    try (Stream<Path> dirs = Files.list(temp.resolve("out"))) {
      assertThat(dirs.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(Publisher.BUILDING_PREFIX));
    }
  }

  @Test
  void aDifferentAsOfIsADifferentSnapshotWithUnlinkablePseudonyms() throws Exception {
    Path content = content();
    SnapshotResult first = build(content, temp.resolve("out"), 2);
    SnapshotResult later = SnapshotEngine.embedded(PipelineFixtures.DETECTOR).build(ledger(),
        PipelineFixtures.request("genai-training", AS_OF.plusSeconds(1), List.of(content), temp.resolve("out"), 2),
        ProgressListener.NONE);
    assertThat(later.metadata().snapshot()).isNotEqualTo(first.metadata().snapshot());
    try (Stream<Path> dirs = Files.list(temp.resolve("out"))) {
      assertThat(dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")))
          .containsExactlyInAnyOrder(first.metadata().snapshot(), later.metadata().snapshot());
    }
  }

  @Test
  void aRebuildForgetsMembersAndLeavesOtherShardsByteIdentical() throws Exception {
    Path content = content();
    ConsentLedger ledger = ledger();
    SnapshotRequest request = PipelineFixtures.request("genai-training", AS_OF, List.of(content), temp.resolve("out"), 2);
    SnapshotResult parent = SnapshotEngine.embedded(PipelineFixtures.DETECTOR).build(ledger, request, ProgressListener.NONE);
    SnapshotResult rebuilt = SnapshotEngine.embedded(PipelineFixtures.DETECTOR).build(ledger,
        request.asRebuild(new SnapshotRequest.Rebuild(parent.metadata().snapshot(), parent.metadata().inputs(), java.util.Set.of("ann"))),
        ProgressListener.NONE);
    assertThatSnapshot(rebuilt.directory()).isConsistent().includesExactly(List.of("L1", "u1")).hasExcluded("forgotten", 2)
        .hasNoMember(ledger.memberNumber("ann").orElseThrow());
    assertThat(SnapshotAssert.manifest(rebuilt.directory()).get("rebuild_of").asText()).isEqualTo(parent.metadata().snapshot());
    int annShard = parent.metadata().shards().stream()
        .filter(s -> SnapshotAssert.members(parent.directory(), s.members()).contains(ledger.memberNumber("ann").orElseThrow()))
        .findFirst().orElseThrow().shard();
    for (var shard : rebuilt.metadata().shards()) {
      var before = parent.metadata().shards().stream().filter(s -> s.shard() == shard.shard()).findFirst().orElseThrow();
      if (shard.shard() == annShard) {
        assertThat(shard.sha256()).isNotEqualTo(before.sha256());
      } else {
        assertThat(shard.sha256()).as("shard %d holds no forgotten member", shard.shard()).isEqualTo(before.sha256());
      }
    }
    assertThat(SnapshotSources.contentFiles(temp.resolve("out"), parent.metadata().snapshot())).contains(List.of(content.toAbsolutePath()));
  }

  /** What forgetting (lethe-unlearn) does to a snapshot a verified rebuild replaced: shard and member files gone, a tombstone. */
  private static void retireAsForgettingDoes(SnapshotResult snapshot) throws Exception {
    for (var shard : snapshot.metadata().shards()) {
      Files.deleteIfExists(snapshot.directory().resolve(shard.file()));
      Files.deleteIfExists(snapshot.directory().resolve(shard.members()));
    }
    Files.writeString(snapshot.directory().resolve("FORGOTTEN.json"), "[{\"at\":\"2024-03-01T00:00:00Z\",\"members\":[],\"removed\":[]}]");
  }

  @Test
  void buildingASnapshotForgettingRetiredNamesItsReplacementAndIsNotCalledDamage() throws Exception {
    Path content = content();
    Path out = temp.resolve("out");
    ConsentLedger ledger = ledger();
    SnapshotRequest request = PipelineFixtures.request("genai-training", AS_OF, List.of(content), out, 2);
    SnapshotEngine engine = SnapshotEngine.embedded(PipelineFixtures.DETECTOR);
    SnapshotResult parent = engine.build(ledger, request, ProgressListener.NONE);
    SnapshotResult first = engine.build(ledger, request.asRebuild(
        new SnapshotRequest.Rebuild(parent.metadata().snapshot(), parent.metadata().inputs(), java.util.Set.of("ann"))),
        ProgressListener.NONE);
    retireAsForgettingDoes(parent);

    assertThatThrownBy(() -> engine.build(ledger, request, ProgressListener.NONE))
        .isInstanceOfSatisfying(SnapshotRetiredException.class, e -> {
          assertThat(e.snapshot()).isEqualTo(parent.metadata().snapshot());
          assertThat(e.replacedBy()).containsExactly(first.metadata().snapshot());
        })
        .hasMessageContaining("was retired by forgetting")
        .hasMessageContaining("snapshot " + first.metadata().snapshot() + " replaces it")
        .hasMessageNotContaining("damaged");

    // Forgetting later retired the rebuild too: the snapshot in force is the rebuild's rebuild.
    SnapshotResult second = engine.build(ledger, request.asRebuild(
        new SnapshotRequest.Rebuild(first.metadata().snapshot(), parent.metadata().inputs(), java.util.Set.of("ann", "uma"))),
        ProgressListener.NONE);
    retireAsForgettingDoes(first);
    assertThatThrownBy(() -> engine.build(ledger, request, ProgressListener.NONE))
        .isInstanceOfSatisfying(SnapshotRetiredException.class,
            e -> assertThat(e.replacedBy()).containsExactly(second.metadata().snapshot()));

    // More changed than forgetting changes: that is still damage, and is said to be.
    Files.writeString(parent.directory().resolve("croissant.json"), "{}");
    assertThatThrownBy(() -> engine.build(ledger, request, ProgressListener.NONE))
        .isInstanceOf(SnapshotConflictException.class)
        .isNotInstanceOf(SnapshotRetiredException.class)
        .hasMessageContaining("croissant.json changed")
        .hasMessageContaining("more than forgetting changed")
        .hasMessageContaining("damaged or altered");
    try (Stream<Path> dirs = Files.list(out)) {
      assertThat(dirs.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(Publisher.BUILDING_PREFIX));
    }
  }

  @Test
  void aFailedBuildPublishesNothing() throws Exception {
    Path out = temp.resolve("out");
    Path missing = temp.resolve("missing.jsonl");
    assertThatThrownBy(() -> build(missing, out, 2)).isInstanceOf(java.nio.file.NoSuchFileException.class);
    try (Stream<Path> entries = Files.list(out)) {
      assertThat(entries.map(p -> p.getFileName().toString())).containsExactly(".lock");
    }
    assertThat(SnapshotCatalog.open(out).snapshots()).isEmpty();
  }

  private static List<String> fileNames(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
