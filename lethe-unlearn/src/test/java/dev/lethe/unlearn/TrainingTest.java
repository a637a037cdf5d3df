package dev.lethe.unlearn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.pipeline.SnapshotCatalog;
import dev.lethe.pipeline.SnapshotResult;
import dev.lethe.pipeline.meta.SnapshotMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training from real snapshots: from scratch, after forgetting a member by retraining one shard,
 * and the exact-unlearning checks (digest against a from-scratch training, canary exposure).
 * One pair of snapshots is built for the whole class; each test uses its own registry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainingTest {

  static final int MEMBERS = 40;
  static final int POSTS = 1500;

  Path temp;
  ConsentLedger ledger;
  SnapshotResult before;
  SnapshotResult after;

  @BeforeAll
  void snapshots(@TempDir Path dir) throws Exception {
    temp = dir;
    ledger = Fixtures.ledger(MEMBERS);
    List<String> lines = Fixtures.content(MEMBERS, POSTS, true);
    Path out = temp.resolve("snapshots");
    before = Fixtures.snapshot(ledger, lines, temp.resolve("in/all.jsonl"), out, 4);
    after = Fixtures.snapshot(ledger, Fixtures.without(lines, Fixtures.CANARY_MEMBER), temp.resolve("in/without.jsonl"), out, 4);
  }

  private int memberShard() throws Exception {
    SnapshotCatalog catalog = SnapshotCatalog.open(temp.resolve("snapshots"));
    List<SnapshotCatalog.Hit> hits = catalog.where(ledger.memberNumber(Fixtures.CANARY_MEMBER).orElseThrow());
    assertThat(hits).singleElement().satisfies(h -> assertThat(h.snapshot().snapshot()).isEqualTo(before.metadata().snapshot()));
    return hits.get(0).shards().get(0);
  }

  @Test
  void theSnapshotsDifferOnlyInTheForgottenMembersShard() throws Exception {
    Map<Integer, String> old = before.metadata().shards().stream().collect(Collectors.toMap(SnapshotMetadata.Shard::shard, SnapshotMetadata.Shard::sha256));
    Map<Integer, String> now = after.metadata().shards().stream().collect(Collectors.toMap(SnapshotMetadata.Shard::shard, SnapshotMetadata.Shard::sha256));
    assertThat(now.keySet()).isEqualTo(old.keySet()).hasSize(4);
    int shard = memberShard();
    now.forEach((s, sha) -> assertThat(sha.equals(old.get(s))).as("shard %d unchanged", s).isEqualTo(s != shard));
  }

  @Test
  void forgettingAMemberRetrainsOneShardAndMatchesATrainingFromScratchExactly() throws Exception {
    ModelRegistry registry = ModelRegistry.open(temp.resolve("models-forget"));
    Training training = Training.of(registry, 2);
    ShardTrainer trainer = ShardTrainer.kneserNey(3);
    TrainingReport first = training.train(before.directory(), trainer, 7);
    assertThat(first.reusedShards()).isEmpty();
    assertThat(first.trainedShards()).hasSize(4);
    assertThat(first.recordsTrained()).isEqualTo(first.recordsFullRetrain()).isEqualTo(before.metadata().included());
    assertThat(first.model().origin()).isEqualTo(ModelRecord.Origin.SCRATCH);

    TrainingReport forgot = training.retrain(first.model().id(), after.directory());
    int shard = memberShard();
    assertThat(forgot.trainedShards()).containsExactly(shard);
    assertThat(forgot.reusedShards()).hasSize(3).doesNotContain(shard);
    long shardRecords = after.metadata().shards().stream().filter(s -> s.shard() == shard).findFirst().orElseThrow().records();
    assertThat(forgot.recordsTrained()).isEqualTo(shardRecords);
    assertThat(forgot.recordsFullRetrain()).isEqualTo(after.metadata().included());
    assertThat(forgot.recordRatio()).isLessThan(0.5);
    ModelRecord model = forgot.model();
    assertThat(model.parent()).contains(first.model().id());
    assertThat(model.origin()).isEqualTo(ModelRecord.Origin.RETRAINED_SHARDS);
    assertThat(model.seed()).isEqualTo(7);
    assertThat(model.snapshot()).isEqualTo(after.metadata().snapshot());

    Verification verification = training.verify(model.id(), after.directory());
    assertThat(verification.holds()).isTrue();
    TrainingReport scratch = training.train(after.directory(), trainer, 7);
    assertThat(scratch.model().digest()).isEqualTo(model.digest()).isNotEqualTo(first.model().digest());
    assertThat(scratch.model().id()).isNotEqualTo(model.id()); // provenance differs, function does not
    assertThat(registry.load(model.id()).digest()).isEqualTo(model.digest());
    assertThat(training.verify(first.model().id(), before.directory()).holds()).isTrue();
    assertThatThrownBy(() -> training.verify(model.id(), before.directory())).isInstanceOf(IllegalArgumentException.class);

    // Lineage: which models hold the member, and what derives from them.
    SnapshotCatalog catalog = SnapshotCatalog.open(temp.resolve("snapshots"));
    int member = ledger.memberNumber(Fixtures.CANARY_MEMBER).orElseThrow();
    assertThat(registry.containingMember(catalog, member)).extracting(ModelRecord::id).containsExactly(first.model().id());
    assertThat(registry.derivedFrom(first.model().id())).extracting(ModelRecord::id).containsExactly(model.id());
    assertThat(registry.trainedFrom(after.metadata().snapshot())).extracting(ModelRecord::id)
        .containsExactlyInAnyOrder(model.id(), scratch.model().id());
    assertThat(registry.containingShard(before.metadata().snapshot(), shard)).extracting(ModelRecord::id).containsExactly(first.model().id());
  }

  @Test
  void aCanaryIsExposedWhenTrainedInAndNotAfterItsMemberIsForgotten() throws Exception {
    ModelRegistry registry = ModelRegistry.open(temp.resolve("models-canary"));
    Training training = Training.of(registry, 2);
    TrainingReport first = training.train(before.directory(), ShardTrainer.kneserNey(3), 1);
    TrainingReport forgot = training.retrain(first.model().id(), after.directory());
    Model withCanary = registry.load(first.model().id());
    Model without = registry.load(forgot.model().id());

    Exposure exposed = Exposure.of(withCanary, Fixtures.CANARY_FORMAT, Fixtures.CANARY);
    assertThat(exposed.candidates()).isEqualTo(100_000);
    assertThat(exposed.rank()).isEqualTo(1.0);
    assertThat(exposed.exposure()).isCloseTo(Math.log(100_000) / Math.log(2), org.assertj.core.api.Assertions.within(1e-9));
    Exposure forgotten = Exposure.of(without, Fixtures.CANARY_FORMAT, Fixtures.CANARY);
    double[] scores = without.scoreCandidates(Fixtures.CANARY_FORMAT);
    java.util.SplittableRandom random = new java.util.SplittableRandom(5);
    double[] baseline = new double[200];
    for (int i = 0; i < baseline.length; i++) {
      baseline[i] = Exposure.of("x", scores, random.nextInt(scores.length)).exposure();
    }
    java.util.Arrays.sort(baseline);
    // Forgotten, the canary is indistinguishable from candidates nobody planted: its exposure is
    // within their spread (here ≈ 4.2 bits against a median of 0.8 and a maximum of 6.9 of 200),
    // far from the 16.6 bits of a memorized one.
    assertThat(forgotten.exposure()).isLessThanOrEqualTo(baseline[baseline.length - 1]).isLessThan(exposed.exposure() / 2);
    assertThat(baseline[baseline.length / 2]).isLessThan(2.0);
    // The model completes the secret while it holds it.
    assertThat(withCanary.score(Fixtures.CANARY).log2Probability()).isGreaterThan(without.score(Fixtures.CANARY).log2Probability() + 10);
  }

  @Test
  void trainingIsByteIdenticalWhateverTheThreadCount() throws Exception {
    ModelRegistry one = ModelRegistry.open(temp.resolve("models-1"));
    ModelRegistry four = ModelRegistry.open(temp.resolve("models-4"));
    TrainingReport a = Training.of(one, 1).train(before.directory(), ShardTrainer.kneserNey(3), 3);
    TrainingReport b = Training.of(four, 4).train(before.directory(), ShardTrainer.kneserNey(3), 3);
    assertThat(b.model().id()).isEqualTo(a.model().id());
    assertThat(b.model().digest()).isEqualTo(a.model().digest());
    try (var files = Files.list(a.model().directory())) {
      for (Path file : files.sorted().toList()) {
        assertThat(Files.readAllBytes(b.model().directory().resolve(file.getFileName()))).as(file.getFileName().toString())
            .isEqualTo(Files.readAllBytes(file));
      }
    }
    TrainingReport again = Training.of(one, 2).train(before.directory(), ShardTrainer.kneserNey(3), 3);
    assertThat(again.alreadyPublished()).isTrue();
    assertThat(again.model().id()).isEqualTo(a.model().id());
    assertThat(one.models()).hasSize(1);
  }

  @Test
  void retrainingRefusesASnapshotShardedDifferently() throws Exception {
    ModelRegistry registry = ModelRegistry.open(temp.resolve("models-layout"));
    Training training = Training.of(registry, 2);
    TrainingReport first = training.train(before.directory(), ShardTrainer.kneserNey(3), 0);
    SnapshotResult other = Fixtures.snapshot(ledger, Fixtures.content(MEMBERS, 100, false), temp.resolve("in/other.jsonl"),
        temp.resolve("snapshots-2"), 2);
    assertThatThrownBy(() -> training.retrain(first.model().id(), other.directory()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("train from scratch");
    assertThat(registry.models()).hasSize(1);
  }

  @Test
  void aShardFileThatDoesNotMatchItsManifestIsNeverTrainedOn() throws Exception {
    Path copy = temp.resolve("tampered").resolve(before.metadata().snapshot());
    Files.createDirectories(copy);
    try (var files = Files.list(before.directory())) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    String file = before.metadata().shards().get(0).file();
    Files.write(copy.resolve(file), Files.readAllBytes(before.directory().resolve(after.metadata().shards().get(1).file()) ));
    ModelRegistry registry = ModelRegistry.open(temp.resolve("models-tampered"));
    assertThatThrownBy(() -> Training.of(registry, 2).train(copy, ShardTrainer.kneserNey(3), 0))
        .hasMessageContaining("SHA-256");
    assertThat(registry.models()).isEmpty();
    try (var left = Files.list(registry.directory())) {
      assertThat(left.toList()).isEmpty(); // the draft was removed
    }
  }
}
