package dev.lethe.server;

import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerException;
import dev.lethe.pipeline.LineageIndex;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoredEvent;
import dev.lethe.unlearn.ModelRecord;
import dev.lethe.unlearn.ModelRegistry;
import dev.lethe.unlearn.forget.ForgetQueue;
import dev.lethe.unlearn.forget.ForgetRequests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * {@link ModelLineage} and {@link ForgetQueueView} over lethe-unlearn: the model registry, the
 * forget queue and the snapshots of every snapshot root ({@link SnapshotView}), plus the
 * requests the ledger already gives rise to but the scheduler has not queued yet.
 *
 * <p>Both directories are shared with {@code lethe} commands run beside the server, so nothing is
 * trusted to stay as read: the model list is reread when the registry's listing changes (models
 * are published by an atomic rename and never rewritten), the queue when its directory's
 * modification time changes (every save is a rename into it). The forget scheduler also calls
 * {@link #invalidate} after each run, since a run may save twice within one tick of the file
 * system's clock.
 */
final class UnlearnViews implements ModelLineage, ForgetQueueView {

  private final ModelRegistry registry;
  private final ForgetQueue queue;
  private final SnapshotView snapshots;
  private final LedgerStore store;
  private final Policies policies;
  private final LedgerView ledger;
  private final Clock clock;

  private List<String> modelListing;
  private List<ModelRecord> models;
  private FileTime queueStamp;
  private List<dev.lethe.unlearn.forget.ForgetRequest> queued;

  UnlearnViews(ModelRegistry registry, ForgetQueue queue, SnapshotView snapshots, LedgerStore store, Policies policies,
      LedgerView ledger, Clock clock) {
    this.registry = registry;
    this.queue = queue;
    this.snapshots = snapshots;
    this.store = store;
    this.policies = policies;
    this.ledger = ledger;
    this.clock = clock;
  }

  /** Forgets the cached queue, so the next read sees every save. */
  synchronized void invalidate() {
    queued = null;
    queueStamp = null;
  }

  /** Every queued request (pending, completed and failed), by deadline then id. */
  synchronized List<dev.lethe.unlearn.forget.ForgetRequest> queued() {
    try {
      Path dir = queue.directory();
      FileTime stamp = Files.isDirectory(dir) ? Files.getLastModifiedTime(dir) : null;
      if (queued == null || !Objects.equals(stamp, queueStamp)) {
        queued = queue.list();
        queueStamp = stamp;
      }
      return queued;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every published model. */
  synchronized List<ModelRecord> models() {
    try {
      Path dir = registry.directory();
      List<String> now = List.of();
      if (Files.isDirectory(dir)) {
        try (Stream<Path> s = Files.list(dir)) {
          now = s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
      }
      if (models == null || !now.equals(modelListing)) {
        models = registry.models();
        modelListing = now;
      }
      return models;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public List<ModelUse> modelsFor(String member) {
    OptionalInt number = store.memberNumber(member);
    if (number.isEmpty()) {
      return List.of();
    }
    return modelsFor(member, snapshots.lineage(number.getAsInt()));
  }

  /**
   * As {@link #modelsFor(String)}, from the member's lineage already read: the "where is my data"
   * answer gives its snapshots and its models from one reading of the snapshot roots.
   */
  List<ModelUse> modelsFor(String member, SnapshotView.Lineage where) {
    List<ModelRecord> all = models();
    List<ForgetRequest> open = requestsFor(member).stream().filter(ForgetRequest::open).toList();
    Map<String, ModelUse> found = new LinkedHashMap<>();
    for (SnapshotView.LocatedHit located : where.hits()) {
      LineageIndex.Hit hit = located.hit();
      for (ModelRecord m : all) {
        if (m.snapshot().equals(hit.snapshot().snapshot()) && m.shard(hit.shard()).isPresent()) {
          found.put(m.id(), use(m, hit.snapshot(), List.of(hit.shard()), open));
        }
      }
    }
    // A fine-tune saw whatever its parent saw; a retrained model is the replacement without the
    // forgotten members, so only fine-tune derivations carry the member on.
    Deque<String> parents = new ArrayDeque<>(found.keySet());
    Map<String, LineageIndex.Snapshot> entries = new LinkedHashMap<>();
    where.snapshots().snapshots().forEach(l -> entries.putIfAbsent(l.snapshot().snapshot(), l.snapshot()));
    while (!parents.isEmpty()) {
      String parent = parents.removeFirst();
      for (ModelRecord m : all) {
        if (m.origin() == ModelRecord.Origin.FINE_TUNE && m.parent().filter(parent::equals).isPresent() && !found.containsKey(m.id())) {
          LineageIndex.Snapshot e = entries.get(m.snapshot());
          ModelUse p = found.get(parent);
          found.put(m.id(), new ModelUse(m.id(), m.snapshot(), e != null ? e.purpose() : p.purpose(), e != null ? e.asOf() : p.asOf(),
              List.of(), m.origin().word(), parent, status(p.purpose(), open)));
          parents.addLast(m.id());
        }
      }
    }
    return List.copyOf(found.values());
  }

  private static ModelUse use(ModelRecord m, LineageIndex.Snapshot snapshot, List<Integer> shards, List<ForgetRequest> open) {
    return new ModelUse(m.id(), m.snapshot(), snapshot.purpose(), snapshot.asOf(), shards, m.origin().word(),
        m.parent().orElse(null), status(snapshot.purpose(), open));
  }

  private static String status(String purpose, List<ForgetRequest> open) {
    String status = "in-use";
    for (ForgetRequest r : open) {
      if (r.purpose() == null || r.purpose().equals(purpose)) {
        if (r.status().equals("failed")) {
          return "forgetting-failed";
        }
        status = "forgetting-pending";
      }
    }
    return status;
  }

  @Override
  public List<ForgetRequest> requestsFor(String member) {
    Map<String, ForgetRequest> byId = new LinkedHashMap<>();
    for (dev.lethe.unlearn.forget.ForgetRequest r : queued()) {
      if (r.member().equals(member)) {
        byId.put(r.id(), view(r, true));
      }
    }
    List<StoredEvent> history = store.memberHistory(member);
    if (!history.isEmpty()) {
      var events = policies.mergedWith(history);
      try {
        for (var r : ForgetRequests.derive(events, ConsentLedger.of(events), clock.instant())) {
          if (r.member().equals(member)) {
            byId.putIfAbsent(r.id(), view(r, false));
          }
        }
      } catch (LedgerException e) {
        // The store accepted these events, so lethe-core rejecting them means the policy cache is
        // stale; the scheduler derives from the whole ledger and will queue whatever is due.
      }
    }
    List<ForgetRequest> out = new ArrayList<>(byId.values());
    out.sort(Comparator.comparing(ForgetRequest::requestedAt).thenComparing(ForgetRequest::id));
    return out;
  }

  @Override
  public List<ForgetRequest> openRequests() {
    Map<String, ForgetRequest> byId = new LinkedHashMap<>();
    for (dev.lethe.unlearn.forget.ForgetRequest r : queued()) {
      byId.put(r.id(), view(r, true));
    }
    LedgerView.Loaded l = ledger.current();
    for (var r : ForgetRequests.derive(l.events(), l.ledger(), clock.instant())) {
      byId.putIfAbsent(r.id(), view(r, false));
    }
    List<ForgetRequest> out = new ArrayList<>();
    byId.values().stream().filter(ForgetRequest::open).forEach(out::add);
    out.sort(Comparator.comparing(ForgetRequest::deadline).thenComparing(ForgetRequest::id));
    return out;
  }

  /** The run's counts of an outcome, or null where it has none (pending, or executed before runs counted). */
  private static Tally tally(dev.lethe.unlearn.forget.ForgetRequest.Outcome o) {
    var t = o == null ? null : o.tally();
    return t == null ? null : new Tally(t.snapshotsRebuilt(), t.snapshotsLeftAlone(), t.retiredSnapshotsCleared(), t.modelsRetrained());
  }

  /** The server's view of a lethe-unlearn request. */
  static ForgetRequest view(dev.lethe.unlearn.forget.ForgetRequest r, boolean queued) {
    var o = r.outcome();
    String newSnapshot = o == null || o.replacements().isEmpty() ? null : o.replacements().get(o.replacements().size() - 1).newSnapshot();
    Instant completed = o == null ? null : o.completedAt();
    List<Reopening> reopenings = new ArrayList<>();
    for (var ro : r.reopenings()) {
      reopenings.add(new Reopening(ro.at(), ro.previous().completedAt(), ro.previous().verified(), ro.findings().stream()
          .map(f -> new Found(f.kind().word(), f.snapshot(), f.purpose(), f.asOf(), f.model(), f.items())).toList()));
    }
    List<dev.lethe.unlearn.forget.ForgetRequest.Replacement> reps = o == null ? List.of() : o.replacements();
    int rebuilt = (int) reps.stream().map(rep -> rep.oldSnapshot()).distinct().count();
    int retrained = (int) reps.stream().map(rep -> rep.newModel()).filter(Objects::nonNull).distinct().count();
    return new ForgetRequest(r.id(), r.member(), r.reason().word(), r.purpose(), r.receivedAt(), r.deadline(), r.status().word(),
        queued, completed, o == null ? null : o.verified(), o == null ? null : o.detail(),
        o == null ? List.of() : o.affectedModels(), newSnapshot, reopenings, rebuilt, retrained, tally(o));
  }
}
