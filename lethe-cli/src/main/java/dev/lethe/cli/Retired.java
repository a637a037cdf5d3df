package dev.lethe.cli;

import dev.lethe.pipeline.ManifestReads;
import dev.lethe.pipeline.ReplacedSnapshots;
import dev.lethe.store.LedgerStore;
import dev.lethe.unlearn.ModelRecord;
import dev.lethe.unlearn.ModelRegistry;
import dev.lethe.unlearn.forget.ForgetQueue;
import dev.lethe.unlearn.forget.ForgetRequest;
import dev.lethe.unlearn.forget.Retirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What forgetting replaced, as the CLI reads it ({@link Retirements}): over the snapshot roots a
 * command covers, the registry's models and the forget queue under the data directory, the queue
 * read only when some snapshot was replaced.
 */
final class Retired {

  private Retired() {}

  /**
   * The retirements over {@code roots} (each read as {@link ReplacedSnapshots#read} reads it; a
   * root that does not exist replaces nothing).
   */
  static Retirements read(List<Path> roots, ModelRegistry registry, StoreOptions store) throws IOException {
    return read(roots, registry, store, new ManifestReads());
  }

  /** As {@link #read(List, ModelRegistry, StoreOptions)}, reading the manifests through {@code manifests}. */
  static Retirements read(List<Path> roots, ModelRegistry registry, StoreOptions store, ManifestReads manifests)
      throws IOException {
    Map<Path, ReplacedSnapshots> byRoot = new LinkedHashMap<>();
    boolean any = false;
    for (Path root : roots) {
      ReplacedSnapshots replaced = ReplacedSnapshots.read(root, manifests);
      byRoot.put(root, replaced);
      any |= !replaced.all().isEmpty() || !replaced.unverifiedRebuilds().isEmpty();
    }
    List<ForgetRequest> requests = any ? ForgetQueue.open(Forgetting.queueDir(store)).list() : List.of();
    return Retirements.of(byRoot, any ? registry.models() : List.of(), requests);
  }

  /**
   * The retirements that say whether a registered model is retired: its snapshot is looked for in DATA/snapshots, then (only
   * if that lacks it) in every snapshot directory a build registered, as {@code lethe train} finds
   * a snapshot.
   */
  static Retirements forModel(StoreOptions store, ModelRegistry registry, ModelRecord model) throws IOException {
    Path own = SnapshotDirs.defaultDir(store);
    List<Path> roots;
    if (Files.isDirectory(own.resolve(model.snapshot()))) {
      roots = List.of(SnapshotDirs.canonical(own));
    } else {
      try (LedgerStore ledger = store.open(Clock.systemUTC())) {
        roots = SnapshotDirs.roots(ledger, store).stream().filter(SnapshotDirs::reachable).toList();
      }
    }
    return read(roots, registry, store);
  }

  /**
   * The refusal of a command asked to use a retired model, or null if the model is in use: what
   * retired it and the models in use now; or, for a model trained on an unverified rebuild, that
   * it is not in use (it is never named as in use).
   */
  static String refusal(StoreOptions store, ModelRegistry registry, ModelRecord model) throws IOException {
    Retirements retirements = forModel(store, registry, model);
    Optional<Retirements.RetiredModel> retired = retirements.model(model.id());
    if (retired.isEmpty()) {
      return retirements.unverifiedModel(model.id()).map(u -> "--model: " + u.describe()).orElse(null);
    }
    List<String> now = retirements.inUseSuccessorModels(model.id());
    return "--model: " + retired.get().describe()
        + (now.isEmpty() ? "; no model replacing it is in use" : "; the model in use now is " + String.join(", ", now));
  }
}
