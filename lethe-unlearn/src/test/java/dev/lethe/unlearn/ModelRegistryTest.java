package dev.lethe.unlearn;

import dev.lethe.pipeline.Hashing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {

  static final ShardTrainer TRAINER = ShardTrainer.kneserNey(3);
  static final ObjectNode SHARDING = JsonNodeFactory.instance.objectNode().put("scheme", "test").put("shards_per_group", 2);

  @TempDir Path temp;

  private static ModelRegistry.Published publish(ModelRegistry registry, String snapshot, Optional<String> parent,
      ModelRecord.Origin origin, String... shardTexts) throws IOException {
    try (ModelRegistry.ModelDraft draft = registry.draft(snapshot, TRAINER, 5, parent, origin, SHARDING)) {
      for (int s = 0; s < shardTexts.length; s++) {
        draft.addTrained(TRAINER.train(s, List.of(shardTexts[s]), 5), "source-" + s);
      }
      return draft.publish();
    }
  }

  private List<String> visible(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aDraftIsInvisibleUntilPublishedAndLeavesNothingWhenAbandoned() throws Exception {
    ModelRegistry registry = ModelRegistry.open(temp.resolve("models"));
    assertThat(registry.models()).isEmpty(); // no directory yet
    try (ModelRegistry.ModelDraft draft = registry.draft("snap", TRAINER, 0, Optional.empty(), ModelRecord.Origin.SCRATCH, SHARDING)) {
      draft.addTrained(TRAINER.train(0, List.of("a b c"), 0), "src");
      assertThat(registry.models()).isEmpty();
      // The hidden draft and the lock its writer holds on it.
      assertThat(visible(registry.directory())).hasSize(2).allSatisfy(n -> assertThat(n).startsWith(".draft-"));
      assertThatThrownBy(() -> draft.addTrained(TRAINER.train(0, List.of("x"), 0), "src")).isInstanceOf(IllegalStateException.class);
      // closed without publishing: an exception, a crash of the caller
    }
    assertThat(visible(registry.directory())).isEmpty();
    assertThat(registry.models()).isEmpty();
  }

  @Test
  void draftsAKilledWriterLeftAreRemovedByTheNextDraftAndLiveOnesAreKept() throws Exception {
    ModelRegistry registry = ModelRegistry.open(temp.resolve("models"));
    Path models = Files.createDirectories(registry.directory());
    // What 'kill -9' during training leaves: the draft with an artefact, and its lock file, unlocked now.
    Path killed = Files.createDirectory(models.resolve(".draft-11111111-1111-1111-1111-111111111111"));
    Files.writeString(killed.resolve("shard-00000.artefact.zst"), "partial");
    Files.createFile(models.resolve(".draft-11111111-1111-1111-1111-111111111111.lock"));
    // A draft of an earlier version, which had no lock file.
    Files.createDirectory(models.resolve(".draft-22222222-2222-2222-2222-222222222222"));
    // A draft another process is writing: its lock is held.
    Path elsewhere = Files.createDirectory(models.resolve(".draft-33333333-3333-3333-3333-333333333333"));
    Path elsewhereLock = models.resolve(".draft-33333333-3333-3333-3333-333333333333.lock");
    Process holder = LockHolder.start(elsewhereLock);
    try (ModelRegistry.ModelDraft live = registry.draft("snap", TRAINER, 0, Optional.empty(), ModelRecord.Origin.SCRATCH, SHARDING)) {
      live.addTrained(TRAINER.train(0, List.of("a b c"), 0), "src");
      List<String> whileLive = visible(models);
      assertThat(whileLive).doesNotContain(killed.getFileName().toString(), ".draft-22222222-2222-2222-2222-222222222222",
          ".draft-11111111-1111-1111-1111-111111111111.lock");
      assertThat(elsewhere).isDirectory();
      assertThat(elsewhereLock).isRegularFile();
      // A second draft made while the first is open (this process) keeps the first.
      ModelRegistry.Published published = publish(registry, "snap", Optional.empty(), ModelRecord.Origin.SCRATCH, "x y");
      assertThat(visible(models)).containsAll(whileLive).contains(published.model().id());
      assertThat(live.publish().model().shards()).hasSize(1);
    } finally {
      LockHolder.stop(holder);
    }
    assertThat(elsewhere).isDirectory(); // removed by the next draft, now that its writer is gone
    publish(registry, "snap", Optional.empty(), ModelRecord.Origin.SCRATCH, "p q");
    assertThat(visible(models)).noneMatch(n -> n.startsWith("."));
  }

  @Test
  void theIdIsTheHashOfModelJsonAndTheSameModelIsRegisteredOnce() throws Exception {
    ModelRegistry registry = ModelRegistry.open(temp.resolve("models"));
    ModelRegistry.Published first = publish(registry, "snap", Optional.empty(), ModelRecord.Origin.SCRATCH, "a b", "c d");
    assertThat(first.alreadyPublished()).isFalse();
    ModelRecord model = first.model();
    byte[] json = Files.readAllBytes(model.directory().resolve("model.json"));
    assertThat(model.id()).isEqualTo(HexFormat.of().formatHex(Hashing.sha256().digest(json)).substring(0, 32));
    assertThat(model.shards()).extracting(ModelRecord.Shard::shard).containsExactly(0, 1);
    assertThat(model.shards()).allMatch(ModelRecord.Shard::trained);
    assertThat(model.trainer()).isEqualTo("kneser-ney");
    assertThat(model.settings()).containsEntry("order", "3");
    assertThat(model.sharding()).isEqualTo(SHARDING);
    ModelRegistry.Published again = publish(registry, "snap", Optional.empty(), ModelRecord.Origin.SCRATCH, "a b", "c d");
    assertThat(again.alreadyPublished()).isTrue();
    assertThat(again.model()).isEqualTo(model);
    assertThat(visible(registry.directory())).containsExactly(model.id());
    assertThat(publish(registry, "snap", Optional.empty(), ModelRecord.Origin.SCRATCH, "a b", "c e").model().id()).isNotEqualTo(model.id());
    assertThat(registry.find("nope")).isEmpty();
    assertThatThrownBy(() -> registry.require("0".repeat(32))).isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void concurrentPublicationsOfTheSameModelAgreeOnOneDirectory() throws Exception {
    ModelRegistry registry = ModelRegistry.open(temp.resolve("models"));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<ModelRegistry.Published>> futures = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Callable<ModelRegistry.Published> task =
            () -> publish(ModelRegistry.open(temp.resolve("models")), "snap", Optional.empty(), ModelRecord.Origin.SCRATCH, "x y z", "q");
        futures.add(pool.submit(task));
      }
      List<String> ids = new ArrayList<>();
      for (Future<ModelRegistry.Published> f : futures) {
        ids.add(f.get().model().id());
      }
      assertThat(ids).containsOnly(ids.get(0));
      assertThat(visible(registry.directory())).containsExactly(ids.get(0));
      assertThat(registry.load(ids.get(0)).vocabulary()).contains("x", "q");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void reusedArtefactsAreCheckedAndDerivationsAreFollowed() throws Exception {
    ModelRegistry registry = ModelRegistry.open(temp.resolve("models"));
    ModelRecord root = publish(registry, "s1", Optional.empty(), ModelRecord.Origin.SCRATCH, "a b", "c d").model();
    ModelRecord child;
    try (ModelRegistry.ModelDraft draft = registry.draft("s2", TRAINER, 5, Optional.of(root.id()), ModelRecord.Origin.RETRAINED_SHARDS, SHARDING)) {
      draft.addReused(root, 0);
      draft.addTrained(TRAINER.train(1, List.of("c"), 5), "source-1b");
      child = draft.publish().model();
    }
    assertThat(child.reusedShards()).containsExactly(0);
    assertThat(child.trainedShards()).containsExactly(1);
    assertThat(child.shard(0).orElseThrow().sha256()).isEqualTo(root.shard(0).orElseThrow().sha256());
    ModelRecord tuned = publish(registry, "s2", Optional.of(child.id()), ModelRecord.Origin.FINE_TUNE, "z").model();
    assertThat(registry.derivedFrom(root.id())).extracting(ModelRecord::id).containsExactly(child.id(), tuned.id());
    assertThat(registry.derivedFrom(tuned.id())).isEmpty();
    assertThat(registry.trainedFrom("s1")).containsExactly(root);
    assertThat(registry.containingShard("s2", 1)).extracting(ModelRecord::id).containsExactlyInAnyOrder(child.id());
    assertThat(registry.containingShard("s2", 0)).extracting(ModelRecord::id).containsExactlyInAnyOrder(child.id(), tuned.id());

    // The reused artefact is the parent's, byte for byte, and loading checks every digest.
    Path artefact = root.directory().resolve(root.shard(1).orElseThrow().file());
    byte[] other = Files.readAllBytes(child.directory().resolve(child.shard(1).orElseThrow().file()));
    Files.delete(artefact); // break a hard link, if any, before overwriting
    Files.write(artefact, other);
    assertThatThrownBy(() -> registry.load(root.id())).isInstanceOf(IOException.class).hasMessageContaining("digest");
    assertThat(registry.load(child.id()).digest()).isEqualTo(child.digest());
    try (ModelRegistry.ModelDraft draft = registry.draft("s3", TRAINER, 5, Optional.of(root.id()), ModelRecord.Origin.RETRAINED_SHARDS, SHARDING)) {
      assertThatThrownBy(() -> draft.addReused(root, 1)).isInstanceOf(IOException.class);
    }
    assertThat(registry.models()).hasSize(3);
  }
}
