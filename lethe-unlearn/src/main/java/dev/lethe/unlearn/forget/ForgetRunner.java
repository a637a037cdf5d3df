package dev.lethe.unlearn.forget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.pipeline.Deployments;
import dev.lethe.pipeline.DurableFiles;
import dev.lethe.pipeline.Hashing;
import dev.lethe.pipeline.Manifest;
import dev.lethe.pipeline.ProgressListener;
import dev.lethe.pipeline.RedactionPolicies;
import dev.lethe.pipeline.ReplacedSnapshots;
import dev.lethe.pipeline.ShardFormat;
import dev.lethe.pipeline.SnapshotCatalog;
import dev.lethe.pipeline.SnapshotEngine;
import dev.lethe.pipeline.SnapshotRequest;
import dev.lethe.pipeline.SnapshotResult;
import dev.lethe.pipeline.SnapshotRoots;
import dev.lethe.pipeline.SnapshotSources;
import dev.lethe.pipeline.meta.SnapshotMetadata;
import dev.lethe.unlearn.Exposure;
import dev.lethe.unlearn.Model;
import dev.lethe.unlearn.ModelRecord;
import dev.lethe.unlearn.ModelRegistry;
import dev.lethe.unlearn.Training;
import dev.lethe.unlearn.TrainingReport;
import dev.lethe.unlearn.Verification;
import dev.lethe.unlearn.forget.ForgetRequest.CanaryExposure;
import dev.lethe.unlearn.forget.ForgetRequest.Outcome;
import dev.lethe.unlearn.forget.ForgetRequest.Replacement;
import dev.lethe.unlearn.forget.ForgetRequest.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Executes pending forget requests, earliest deadline first. A request affects the snapshots that
 * may hold data it covers ({@link #covers}): for an erasure every snapshot; otherwise those of its
 * purpose as of an instant before its receipt, and those at whose as-of the ledger does not allow
 * the member. A snapshot as of a later instant at which the ledger allows the member again (a
 * member who consented again after a withdrawal) is left alone, and the request still verifies. A
 * request whose purpose no policy version defines fails without touching anything. Requests are
 * batched per snapshot: each snapshot holding a pending member is rebuilt once without all of them (a new snapshot
 * whose manifest names the old one), every model trained from the old snapshot is retrained on
 * the shards that changed only, and each replacement is verified two ways — the retrained
 * model's digest equals a model trained from scratch on the new snapshot; none of the members'
 * content ids is in the new snapshot. Planted canaries' exposure is measured too and must be no
 * more than in the scratch-trained model; with equal digests that holds by construction, so it
 * is evidence recorded beside the checks rather than a check of its own. Verifications go to the
 * audit log; once they pass, the old snapshot's shard files and its models' artefacts are deleted (a {@code FORGOTTEN.json} tombstone says
 * which and why) and the rebuild takes its place. A rebuild first checks that each content export
 * is the one the snapshot's manifest recorded (its SHA-256): one missing, unreadable or changed,
 * like any other I/O failure of the rebuild, leaves the snapshot whole and its requests pending
 * with the reason in their outcome's detail ({@link RunReport#blocked}), for the next run to retry;
 * only a failed verification or a request that cannot run at all makes a request failed.
 * Snapshots may live in several directories
 * (roots); a run covers every root, and each rebuild is published next to the snapshot it
 * replaces.
 *
 * <p>Completed requests can be checked again later ({@link #recheck}, {@link #recheckCompleted}):
 * a retired snapshot's files or a retired model's artefacts restored from a backup, or an old
 * copy of a snapshot remounted, bring a member back. A request reopened for that runs again like
 * any pending one: what came back of a retired snapshot (and its models) is deleted again, since
 * a verified rebuild of it exists; a copy in force that holds the member is rebuilt. Not
 * thread-safe: one run at a time.
 */
public final class ForgetRunner {

  /** Audit-log kind of a forgetting verification. */
  public static final String AUDIT_KIND = "forget.verification";

  /** Audit-log kind of a re-check that found a completed request no longer holding (see {@link #recheckCompleted}). */
  public static final String RECHECK_AUDIT_KIND = "forget.recheck";

  /** Audit-log kind of deleting again the files a retired snapshot or its models got back (a reopened request's run). */
  public static final String REMOVED_AGAIN_AUDIT_KIND = "forget.removed-again";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** How the detail of a request that only a gap kept from completing begins; the gaps follow. */
  public static final String GAP_DETAIL = "not complete while forgetting cannot cover every copy: ";

  private final ForgetQueue queue;
  private final ModelRegistry registry;
  private final Training training;
  private final List<Path> roots;
  /** Whether a root that does not exist fails the run (true) or holds no snapshot (false). */
  private final boolean rootsMustExist;
  private final SnapshotEngine engine;
  private final AuditSink audit;
  private final Clock clock;
  private final List<PlantedCanary> canaries;

  /**
   * A runner over one directory of published snapshots.
   *
   * @param snapshots the directory of published snapshots; one that does not exist holds none
   * @param engine the engine that rebuilds snapshots (same detector as the original builds)
   * @param canaries planted canaries to check, possibly none
   */
  public ForgetRunner(ForgetQueue queue, ModelRegistry registry, Training training, Path snapshots, SnapshotEngine engine,
      AuditSink audit, Clock clock, List<PlantedCanary> canaries) {
    this(queue, registry, training, List.of(snapshots), false, engine, audit, clock, canaries);
  }

  /**
   * A runner over several directories of published snapshots (every {@code --out} a build used).
   * A root that is gone might still hold a member's records elsewhere (a backup restored, a mount
   * missing), so it never counts as empty: {@link #verifyAgain} and the re-checks fail on it, and
   * {@link #run} completes no request while it is gone.
   *
   * @param roots the snapshot directories; the same directory named twice is covered once
   * @param engine the engine that rebuilds snapshots (same detector as the original builds)
   * @param canaries planted canaries to check, possibly none
   */
  public ForgetRunner(ForgetQueue queue, ModelRegistry registry, Training training, List<Path> roots, SnapshotEngine engine,
      AuditSink audit, Clock clock, List<PlantedCanary> canaries) {
    this(queue, registry, training, roots, true, engine, audit, clock, canaries);
  }

  private ForgetRunner(ForgetQueue queue, ModelRegistry registry, Training training, List<Path> roots, boolean rootsMustExist,
      SnapshotEngine engine, AuditSink audit, Clock clock, List<PlantedCanary> canaries) {
    this.queue = Objects.requireNonNull(queue, "queue");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.training = Objects.requireNonNull(training, "training");
    this.roots = List.copyOf(roots);
    this.rootsMustExist = rootsMustExist;
    this.engine = Objects.requireNonNull(engine, "engine");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.canaries = List.copyOf(canaries);
  }

  /**
   * What a build needs besides the snapshot's own settings: the current ledger (decisions at an
   * old as-of do not change with later events), the deployment key and its digest, and threads.
   */
  public record Rebuild(ConsentLedger ledger, String ledgerSha256, byte[] deploymentKey, int threads, List<String> gaps) {
    /**
     * @param gaps what keeps forgetting from covering every copy of the data that the runner
     *     cannot see itself, one line each for an operator: recorded snapshots missing from their
     *     roots ({@link dev.lethe.pipeline.SnapshotRoots.Coverage#missing}). While there is any,
     *     the run still rebuilds what it can see, but completes no request.
     */
    public Rebuild {
      gaps = List.copyOf(gaps);
    }

    /** A context with no gap known beyond what the runner sees. */
    public Rebuild(ConsentLedger ledger, String ledgerSha256, byte[] deploymentKey, int threads) {
      this(ledger, ledgerSha256, deploymentKey, threads, List.of());
    }
  }

  /**
   * What a run did.
   *
   * @param executed the requests that were pending when the run started
   * @param completed those it completed (verified)
   * @param failed those it failed for good (a verification failed, or the request cannot be run)
   * @param blocked those left pending because their environment stopped them (a content export
   *     missing, unreadable or changed since the snapshot was built, a disk error) or a gap kept
   *     them from completing: the reason is in their outcome's detail, and the next run retries them
   * @param gaps what kept every request from completing, one line each for an operator (see
   *     {@link #run}): the caller's {@linkplain Rebuild#gaps gaps} and what the run found itself
   */
  public record RunReport(int executed, int completed, int failed, int blocked, List<Replacement> replacements,
      List<String> gaps) {
    public RunReport {
      replacements = List.copyOf(replacements);
      gaps = List.copyOf(gaps);
    }

    /** A report of a run that found no gap. */
    public RunReport(int executed, int completed, int failed, int blocked, List<Replacement> replacements) {
      this(executed, completed, failed, blocked, replacements, List.of());
    }

    /** A report of a run that left no request blocked. */
    public RunReport(int executed, int completed, int failed, List<Replacement> replacements) {
      this(executed, completed, failed, 0, replacements);
    }
  }

  /**
   * One request checked again.
   *
   * @param problems one line per check that failed (never a member id); empty if forgetting holds
   * @param findings the snapshots and models behind the problems, named without directories (what
   *     a member may be told); a problem that concerns no snapshot or model (a root that cannot be
   *     read) has none
   */
  public record Recheck(ForgetRequest request, List<String> problems, List<ForgetRequest.Finding> findings) {
    public Recheck {
      Objects.requireNonNull(request, "request");
      problems = List.copyOf(problems);
      findings = List.copyOf(findings);
    }

    /** A result without findings. */
    public Recheck(ForgetRequest request, List<String> problems) {
      this(request, problems, List.of());
    }

    /** Whether the request's forgetting still holds. */
    public boolean holds() {
      return problems.isEmpty();
    }
  }

  /**
   * What {@link #recheckCompleted} found.
   *
   * @param at when it ran
   * @param results every completed request checked, by deadline then id
   * @param reopened the ids of the requests it set back to pending
   */
  public record RecheckReport(Instant at, List<Recheck> results, List<String> reopened) {
    public RecheckReport {
      results = List.copyOf(results);
      reopened = List.copyOf(reopened);
    }

    /** The requests whose forgetting no longer holds. */
    public List<Recheck> failed() {
      return results.stream().filter(r -> !r.holds()).toList();
    }
  }

  /**
   * What {@link #runThenRecheck} did.
   *
   * @param run the run's report
   * @param recheck the re-check of the requests completed before the run, or null if it did not finish
   * @param recheckError why the re-check did not finish, or null
   */
  public record RunAndRecheck(RunReport run, RecheckReport recheck, String recheckError) {
    public RunAndRecheck {
      Objects.requireNonNull(run, "run");
      if ((recheck == null) == (recheckError == null)) {
        throw new IllegalArgumentException("exactly one of recheck and recheckError");
      }
    }

    /** Whether the re-check finished and every request it checked still holds. */
    public boolean recheckHolds() {
      return recheck != null && recheck.failed().isEmpty();
    }

    /**
     * The re-check as JSON, the same for {@code lethe forget-run} and the server's forget queue:
     * {@code at}, {@code error} (null unless the re-check did not finish), {@code checked},
     * {@code holding}, {@code reopened}, and {@code failed}, one object per request that no longer
     * holds ({@code id}, {@code member}, {@code purpose}, {@code problems}, {@code reopened}).
     *
     * @param at when the re-check was tried (used if it did not finish)
     */
    public ObjectNode recheckJson(Instant at) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      if (recheck == null) {
        o.put("at", Rfc3339.format(at));
        o.put("error", "the re-check of completed requests did not finish: " + recheckError);
        o.put("checked", 0);
        o.put("holding", 0);
        o.put("reopened", 0);
        o.putArray("failed");
        return o;
      }
      o.put("at", Rfc3339.format(recheck.at()));
      o.putNull("error");
      o.put("checked", recheck.results().size());
      o.put("holding", recheck.results().size() - recheck.failed().size());
      o.put("reopened", recheck.reopened().size());
      ArrayNode failed = o.putArray("failed");
      for (Recheck c : recheck.failed()) {
        ObjectNode f = failed.addObject();
        f.put("id", c.request().id());
        f.put("member", c.request().member());
        f.put("purpose", c.request().purpose());
        ArrayNode problems = f.putArray("problems");
        c.problems().forEach(problems::add);
        f.put("reopened", recheck.reopened().contains(c.request().id()));
      }
      return o;
    }
  }

  /**
   * One forget run as the server's schedule and {@code lethe forget-run} do it: executes every
   * pending request ({@link #run}), then, still holding the queue's lock, checks every request
   * completed before the run again and reopens each one that no longer holds
   * ({@link #recheckCompleted} with {@code reopen}; the requests the run just executed were
   * verified by it and are not checked twice). A reopened request runs at the next run, not this
   * one: the re-check's finding is recorded first, and the run that acts on it is a separate,
   * audited step. A re-check that fails (a root became unreadable after the run, say) does not undo
   * the run: it is reported in {@link RunAndRecheck#recheckError}.
   *
   * @throws ConcurrentRunException if another process is running the queue
   */
  public RunAndRecheck runThenRecheck(Rebuild context) throws IOException {
    return locked(() -> {
      Set<String> pending = new HashSet<>();
      queue.list().stream().filter(r -> r.status() == Status.PENDING).forEach(r -> pending.add(r.id()));
      RunReport run = runLocked(context);
      try {
        return new RunAndRecheck(run, recheckCompletedLocked(context.ledger(), deployment(context), pending, true), null);
      } catch (IOException | RuntimeException e) {
        return new RunAndRecheck(run, null, String.valueOf(e.getMessage()));
      }
    });
  }

  /**
   * Executes every pending request. Runs exclude each other across processes (a server's
   * schedule and {@code lethe forget-run}, say) through a lock file in the queue's directory.
   *
   * <p>Only the deployment's own snapshots are read ({@link Rebuild#deploymentKey}). While
   * forgetting cannot cover every copy of the data — a root missing or unreadable (an unmounted
   * volume), another deployment's snapshot among ours (after a lost key it may hold our members),
   * or a {@linkplain Rebuild#gaps gap} the caller knows of — the run still rebuilds and verifies
   * every snapshot it can see holding the members, so that erasure is not stalled where it can
   * proceed, but no request completes: each stays pending ({@link RunReport#blocked}) with the
   * gaps in its detail and what was verified kept, and the first run after the gaps are gone
   * finishes it.
   *
   * @throws ConcurrentRunException if another process is running the queue
   */
  public RunReport run(Rebuild context) throws IOException {
    return locked(() -> runLocked(context));
  }

  /** Work done while holding the queue's lock. */
  private interface LockedWork<T> {
    T run() throws IOException;
  }

  private <T> T locked(LockedWork<T> work) throws IOException {
    Files.createDirectories(queue.directory());
    try (FileChannel channel = FileChannel.open(queue.directory().resolve(".lock"),
            StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock()) {
      if (lock == null) {
        throw new ConcurrentRunException("another process is executing the forget queue in " + queue.directory());
      }
      return work.run();
    }
  }

  /**
   * Checks every completed request again (as {@link #recheck} does) and, for each one that no
   * longer holds, appends a {@value #RECHECK_AUDIT_KIND} leaf (the member's commitment, the
   * purpose, the problems, whether it was reopened) and, if {@code reopen}, sets it back to
   * pending ({@link ForgetRequest#reopened}) so that the next run forgets the member again.
   * Holds the queue's lock, like a run.
   *
   * @param skip ids of requests not to check (those a run just executed and verified)
   * @throws ConcurrentRunException if another process is running the queue
   * @throws UnreachableRootException if a snapshot root is missing or unreadable; nothing was
   *     recorded or reopened
   */
  public RecheckReport recheckCompleted(ConsentLedger ledger, Set<String> skip, boolean reopen) throws IOException {
    return locked(() -> recheckCompletedLocked(ledger, null, skip, reopen));
  }

  private RecheckReport recheckCompletedLocked(ConsentLedger ledger, String deployment, Set<String> skip, boolean reopen)
      throws IOException {
    List<ForgetRequest> completed = queue.list().stream()
        .filter(r -> r.status() == Status.COMPLETED && !skip.contains(r.id())).toList();
    SnapshotState state = SnapshotState.open(reachableRoots(), registry.models(), deployment);
    List<Recheck> results = new Rechecker(state, training, audit, ledger).check(completed);
    Instant now = clock.instant();
    List<String> reopened = new ArrayList<>();
    for (Recheck c : results) {
      if (c.holds()) {
        continue;
      }
      ForgetRequest r = c.request();
      ObjectNode leaf = JsonNodeFactory.instance.objectNode();
      leaf.putArray("members").add(audit.commitment(r.member()));
      leaf.put("purpose", r.purpose());
      ArrayNode problems = leaf.putArray("problems");
      c.problems().forEach(problems::add);
      leaf.put("reopened", reopen);
      leaf.put("at", Rfc3339.format(now));
      audit.record(RECHECK_AUDIT_KIND, leaf);
      if (reopen) {
        queue.save(r.reopened(now, c.problems(), c.findings()));
        reopened.add(r.id());
      }
    }
    return new RecheckReport(now, results, reopened);
  }

  /**
   * Checks requests again from the files as they are now, reading every root and input once
   * for all of them: for a completed request, no snapshot the request covers ({@link #covers}:
   * as of before its receipt, or not allowing the member at its as-of, or any for an erasure)
   * holds the member (by its bitmaps; a later one that allows the member holds whom its consent
   * decisions allow), a request whose purpose no policy version defines is reported as such, no
   * retired snapshot the member was forgotten from has files back and no model trained from one
   * has artefacts back, the rebuilds it made (or the rebuilds in force that replaced them since)
   * hold none of the member's content, and their retrained models still equal models trained from
   * scratch. A request that is not completed gets one problem saying so. Reads only.
   *
   * @return one result per request, in the given order
   * @throws UnreachableRootException if a snapshot root is missing or unreadable
   */
  public List<Recheck> recheck(List<ForgetRequest> requests, ConsentLedger ledger) throws IOException {
    SnapshotState state = SnapshotState.open(reachableRoots(), registry.models());
    return new Rechecker(state, training, audit, ledger).check(requests);
  }

  /** A snapshot root that must be covered is missing or cannot be read. */
  public static final class UnreachableRootException extends IOException {
    private static final long serialVersionUID = 1L;

    UnreachableRootException(String message) {
      super(message);
    }
  }

  /**
   * The distinct roots to cover, each as the directory itself (a root named twice, or through a
   * symbolic link, is covered once: a second pass would find the first one's retired snapshots).
   */
  private List<Path> reachableRoots() throws IOException {
    List<Path> out = distinctRoots();
    for (Path root : out) {
      if (!readable(root)) {
        throw new UnreachableRootException(SnapshotRoots.unreachableProblem(root));
      }
    }
    return out;
  }

  /**
   * The roots to cover, a root named twice or through a link once; a root that does not exist is
   * left out when roots need not exist (it holds no snapshot) and kept otherwise, for the caller
   * to find it unreadable.
   */
  private List<Path> distinctRoots() throws IOException {
    Map<Path, Path> distinct = new LinkedHashMap<>();
    for (Path root : roots) {
      if (!Files.exists(root) && !rootsMustExist) {
        continue;
      }
      distinct.putIfAbsent(readable(root) ? root.toRealPath() : root.toAbsolutePath().normalize(), root);
    }
    return List.copyOf(distinct.values());
  }

  private static boolean readable(Path root) {
    return Files.isDirectory(root) && Files.isReadable(root);
  }

  /** The fingerprint of the deployment a run works for, whose snapshots alone it reads. */
  private static String deployment(Rebuild context) {
    return context.deploymentKey() == null ? null : Deployments.fingerprint(context.deploymentKey());
  }

  /**
   * A snapshot cannot be rebuilt whatever its environment does (its sources are not recorded, its
   * shard format is unknown here): the requests that need it fail. Every other {@link IOException}
   * of a rebuild (a file missing, unreadable or changed, a disk error) leaves them pending.
   */
  private static final class UnrebuildableException extends IOException {
    private static final long serialVersionUID = 1L;

    UnrebuildableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Sets every failed request back to pending, so that the next run executes it again; what its
   * failed execution verified (replacements that passed) is kept, so re-checks still cover those
   * rebuilds. For requests that failed before runs told an environment's failure (a content
   * export moved away, say) from a real one; a request that fails again is failed again.
   *
   * @return the ids of the requests set back to pending
   * @throws ConcurrentRunException if another process is running the queue
   */
  public List<String> retryFailed() throws IOException {
    return locked(() -> {
      List<String> ids = new ArrayList<>();
      for (ForgetRequest r : queue.list()) {
        if (r.status() != Status.FAILED) {
          continue;
        }
        Outcome was = r.outcome();
        List<Replacement> kept = was == null ? List.of() : was.replacements().stream().filter(ForgetRunner::passed).toList();
        List<String> models = was == null ? List.of() : was.affectedModels();
        String detail = "retried after failing" + (was == null || was.detail() == null ? "" : ": " + was.detail());
        queue.save(r.executed(Status.PENDING, new Outcome(null, models, kept, false, detail, null)));
        ids.add(r.id());
      }
      return ids;
    });
  }

  /** Another process holds the forget queue's lock. */
  public static final class ConcurrentRunException extends IOException {
    private static final long serialVersionUID = 1L;

    ConcurrentRunException(String message) {
      super(message);
    }
  }

  private RunReport runLocked(Rebuild context) throws IOException {
    List<ForgetRequest> pending = queue.list().stream().filter(r -> r.status() == Status.PENDING).toList();
    // What the run cannot cover: it forgets in what it can see, and completes nothing while any remains.
    Set<String> gaps = new LinkedHashSet<>();
    List<Path> visible = new ArrayList<>();
    for (Path root : distinctRoots()) {
      if (readable(root)) {
        visible.add(root);
      } else {
        gaps.add(SnapshotRoots.unreachableProblem(root));
      }
    }
    SnapshotState state = SnapshotState.openReadable(visible, registry.models(), deployment(context), gaps::add);
    state.foreign().forEach(f -> gaps.add(f.forgettingProblem()));
    gaps.addAll(context.gaps());
    List<SnapshotCatalog> catalogs = state.catalogs();
    // Snapshot directory -> requests holding members in it, in the order of the earliest deadline first.
    Map<Path, List<ForgetRequest>> work = new LinkedHashMap<>();
    Map<Path, SnapshotCatalog.Entry> entries = new LinkedHashMap<>();
    // Retired snapshots whose deleted files (or whose models' artefacts) are back, and the requests they concern.
    Map<Path, List<ForgetRequest>> removals = new LinkedHashMap<>();
    Map<Path, SnapshotCatalog.Entry> removalEntries = new LinkedHashMap<>();
    Map<String, List<Replacement>> replacementsOf = new LinkedHashMap<>();
    Map<String, Set<String>> modelsOf = new LinkedHashMap<>();
    // Requests that cannot be run, by id, and how many snapshots holding a member each request left alone.
    Map<String, String> failures = new LinkedHashMap<>();
    // Requests their environment stopped (a content export missing or changed, a disk error), by id: they stay pending.
    Map<String, String> blocked = new LinkedHashMap<>();
    Map<String, Integer> leftAlone = new HashMap<>();
    for (ForgetRequest r : pending) {
      replacementsOf.put(r.id(), new ArrayList<>());
      modelsOf.put(r.id(), new LinkedHashSet<>());
      String undefined = ForgetRequests.purposeProblem(context.ledger(), r.purpose());
      if (undefined != null) {
        // No decision and no snapshot concerns such a purpose: "verified" would be a false record.
        failures.put(r.id(), "purpose " + undefined + "; nothing was done");
        continue;
      }
      String commitment = audit.commitment(r.member());
      for (SnapshotState.Restored restored : state.restored()) {
        if (restored.members().contains(commitment) && matches(r, restored.snapshot())) {
          removals.computeIfAbsent(restored.snapshot().directory(), k -> new ArrayList<>()).add(r);
          removalEntries.put(restored.snapshot().directory(), restored.snapshot());
        }
      }
      var number = context.ledger().memberNumber(r.member());
      if (number.isEmpty()) {
        continue;
      }
      for (SnapshotCatalog catalog : catalogs) {
        for (SnapshotCatalog.Hit hit : catalog.where(number.get())) {
          if (!matches(r, hit.snapshot())) {
            continue;
          }
          if (!covers(r, hit.snapshot(), context.ledger())) {
            if (!state.retired(hit.snapshot())) {
              leftAlone.merge(r.id(), 1, Integer::sum);
            }
            continue;
          }
          // A retired snapshot holding the member has its bitmaps back: a verified rebuild of it
          // exists already, so what came back is deleted again rather than rebuilt.
          Map<Path, List<ForgetRequest>> target = state.retired(hit.snapshot()) ? removals : work;
          List<ForgetRequest> list = target.computeIfAbsent(hit.snapshot().directory(), k -> new ArrayList<>());
          if (!list.contains(r)) {
            list.add(r);
          }
          (state.retired(hit.snapshot()) ? removalEntries : entries).put(hit.snapshot().directory(), hit.snapshot());
        }
      }
    }
    // The registry knows models by snapshot id; the same snapshot published in two roots has its
    // models retrained once, with the first rebuild.
    Set<String> modelsHandled = new HashSet<>();
    List<Replacement> all = new ArrayList<>();
    for (Map.Entry<Path, List<ForgetRequest>> w : work.entrySet()) {
      Set<String> members = new LinkedHashSet<>();
      w.getValue().forEach(r -> members.add(r.member()));
      SnapshotCatalog.Entry entry = entries.get(w.getKey());
      try {
        // Where forgetting retired another copy of this snapshot (an old copy remounted or restored
        // elsewhere), its models were retrained then and their artefacts deleted: there is nothing
        // to retrain from, and any artefact that came back is deleted again with that copy.
        boolean retiredCopy = state.entries(entry.snapshot()).stream().anyMatch(state::retired);
        for (Replacement rep : replace(entry, members, context, modelsHandled.add(entry.snapshot()) && !retiredCopy)) {
          all.add(rep);
          for (ForgetRequest r : w.getValue()) {
            replacementsOf.get(r.id()).add(rep);
            if (rep.oldModel() != null) {
              modelsOf.get(r.id()).add(rep.oldModel());
            }
          }
        }
      } catch (InputProblemException e) {
        w.getValue().forEach(r -> blocked.merge(r.id(), e.getMessage(), (a, b) -> a + "; " + b));
      } catch (UnrebuildableException | RuntimeException e) {
        w.getValue().forEach(r -> failures.put(r.id(), "rebuilding snapshot " + entry.snapshot() + " in " + w.getKey().getParent()
            + " failed: " + reason(e)));
      } catch (IOException e) {
        w.getValue().forEach(r -> blocked.merge(r.id(), "rebuilding snapshot " + entry.snapshot() + " in " + w.getKey().getParent()
            + " could not finish: " + reason(e), (a, b) -> a + "; " + b));
      }
    }
    Map<String, List<String>> removedAgain = new LinkedHashMap<>();
    for (Map.Entry<Path, List<ForgetRequest>> w : removals.entrySet()) {
      SnapshotCatalog.Entry entry = removalEntries.get(w.getKey());
      Set<String> members = new LinkedHashSet<>();
      w.getValue().forEach(r -> members.add(r.member()));
      try {
        int files = removeAgain(entry, state.modelsOf(entry.snapshot()), members);
        w.getValue().forEach(r -> removedAgain.computeIfAbsent(r.id(), k -> new ArrayList<>()).add(files
            + " file(s) of retired snapshot " + entry.snapshot() + " in " + w.getKey().getParent() + " and its models"));
      } catch (IOException e) {
        // A deletion a disk error stopped is retried by the next run, like a rebuild it stopped.
        w.getValue().forEach(r -> blocked.merge(r.id(), "deleting again the files of retired snapshot " + entry.snapshot()
            + " in " + w.getKey().getParent() + " could not finish: " + reason(e), (a, b) -> a + "; " + b));
      } catch (RuntimeException e) {
        w.getValue().forEach(r -> failures.merge(r.id(), "deleting again the files of retired snapshot " + entry.snapshot()
            + " in " + w.getKey().getParent() + " failed: " + reason(e), (a, b) -> a + "; " + b));
      }
    }
    if (!gaps.isEmpty()) {
      String held = GAP_DETAIL + String.join("; ", gaps);
      pending.forEach(r -> blocked.merge(r.id(), held, (a, b) -> a + "; " + b));
    }
    int completed = 0;
    int failed = 0;
    int stillPending = 0;
    Instant now = clock.instant();
    for (ForgetRequest r : pending) {
      List<Replacement> reps = replacementsOf.get(r.id());
      String failure = failures.get(r.id());
      // What an earlier run verified before its environment stopped it (or before the request was retried).
      Outcome partial = r.outcome();
      List<Replacement> carried = partial == null ? List.of()
          : partial.replacements().stream().filter(ForgetRunner::passed).toList();
      if (failure == null && blocked.containsKey(r.id()) && reps.stream().allMatch(ForgetRunner::passed)) {
        List<Replacement> kept = new ArrayList<>(carried);
        kept.addAll(reps);
        Set<String> models = new LinkedHashSet<>(partial == null ? List.of() : partial.affectedModels());
        models.addAll(modelsOf.get(r.id()));
        // Pending, not failed: nothing of the snapshot was deleted, and the next run retries once the cause is gone.
        queue.save(r.executed(Status.PENDING, new Outcome(null, List.copyOf(models), kept, false, blocked.get(r.id()), null)));
        stillPending++;
        continue;
      }
      boolean verified = failure == null && reps.stream().allMatch(ForgetRunner::passed);
      // What this execution replaced: this run's, and what runs that a gap or its environment
      // stopped verified before it (their snapshots are retired already, so this run finds none).
      List<Replacement> done = new ArrayList<>(carried);
      done.addAll(reps);
      long snapshotsDone = done.stream().map(Replacement::oldSnapshot).distinct().count();
      String detail = failure != null ? failure
          : done.isEmpty() && !removedAgain.containsKey(r.id())
              ? (leftAlone.containsKey(r.id()) ? "no snapshot or model held data this request covers"
                  : "no snapshot or model held the member's data")
          : !verified ? "verification failed for at least one replacement"
          : done.isEmpty() ? ""
          : "removed from " + snapshotsDone + " snapshot(s); every retrained model verified";
      if (failure == null && leftAlone.containsKey(r.id())) {
        detail = (detail.isEmpty() ? "" : detail + "; ") + leftAlone.get(r.id()) + " snapshot(s) as of the request's"
            + " receipt or later hold the member with the ledger's consent at their as-of and were left alone";
      }
      if (failure == null && removedAgain.containsKey(r.id())) {
        detail = (detail.isEmpty() ? "" : detail + "; ") + "deleted again what came back: "
            + String.join("; ", removedAgain.get(r.id()));
      }
      Status status = verified ? Status.COMPLETED : Status.FAILED;
      // A reopened request keeps what its earlier executions replaced, so re-checks still cover those rebuilds.
      List<Replacement> allReps = new ArrayList<>(r.earlierReplacements());
      allReps.addAll(carried);
      allReps.addAll(reps);
      Set<String> models = new LinkedHashSet<>();
      r.reopenings().stream().reduce((a, b) -> b).ifPresent(last -> models.addAll(last.previous().affectedModels()));
      if (partial != null) {
        models.addAll(partial.affectedModels());
      }
      models.addAll(modelsOf.get(r.id()));
      // Counted for readers that must not parse the detail; not when the request failed before it could look.
      ForgetRequest.Tally tally = failure != null ? null : new ForgetRequest.Tally(
          (int) snapshotsDone, leftAlone.getOrDefault(r.id(), 0),
          removedAgain.getOrDefault(r.id(), List.of()).size(), (int) done.stream().map(Replacement::newModel).filter(java.util.Objects::nonNull).distinct().count());
      queue.save(r.executed(status, new Outcome(now, List.copyOf(models), allReps, verified, detail, tally)));
      if (verified) {
        completed++;
      } else {
        failed++;
      }
    }
    return new RunReport(pending.size(), completed, failed, stillPending, all, List.copyOf(gaps));
  }

  /**
   * Checks one completed request again, from the files as they are now ({@link #recheck}).
   *
   * @return one line per failed check; empty if forgetting still holds
   * @throws UnreachableRootException if a snapshot root is missing or unreadable
   */
  public List<String> verifyAgain(ForgetRequest request, ConsentLedger ledger) throws IOException {
    return recheck(List.of(request), ledger).get(0).problems();
  }

  /** Whether a snapshot concerns the request's purpose (a request without one concerns all). */
  static boolean matches(ForgetRequest r, SnapshotCatalog.Entry e) {
    return r.purpose() == null || r.purpose().equals(e.purpose());
  }

  /**
   * Whether a snapshot may hold data the request covers, so that the member must not be in it:
   * the snapshot concerns the request's purpose and
   *
   * <ul>
   *   <li>the request is an erasure (the member goes from everywhere), or
   *   <li>the snapshot's as-of is before the request's receipt (retroactive removal: it was built
   *       from decisions made before the withdrawal, block or operator's request), or
   *   <li>the ledger's decision for the member and the snapshot's purpose at its as-of does not
   *       allow the member (a snapshot built before late events arrived, say).
   * </ul>
   *
   * A snapshot as of the receipt or later at whose as-of the ledger allows the member again (a
   * member who withdrew and then consented again) holds whom its consent decisions allow: the
   * request leaves it alone, and its re-check does not count the member's presence there.
   */
  static boolean covers(ForgetRequest r, SnapshotCatalog.Entry e, ConsentLedger ledger) {
    if (!matches(r, e)) {
      return false;
    }
    if (r.reason() == ForgetReason.ERASURE || e.asOf().isBefore(r.receivedAt())) {
      return true;
    }
    return !ledger.decide(r.member(), e.purpose(), e.asOf()).allowed();
  }

  /**
   * Deletes again what came back of a retired snapshot (shard and member files) and of the models
   * trained from it (artefacts), appends a tombstone entry and a {@value #REMOVED_AGAIN_AUDIT_KIND}
   * leaf. A verified rebuild replaced the snapshot when it was retired, so nothing still allowed
   * is lost.
   *
   * @return how many files were deleted
   */
  private int removeAgain(SnapshotCatalog.Entry retired, List<ModelRecord> models, Set<String> members) throws IOException {
    List<String> removed = retire(retired, models, members, null);
    ObjectNode leaf = JsonNodeFactory.instance.objectNode();
    ArrayNode who = leaf.putArray("members");
    members.stream().map(audit::commitment).sorted().forEach(who::add);
    leaf.put("snapshot", retired.snapshot());
    ArrayNode files = leaf.putArray("removed");
    removed.forEach(files::add);
    leaf.put("at", Rfc3339.format(clock.instant()));
    audit.record(REMOVED_AGAIN_AUDIT_KIND, leaf);
    return removed.size();
  }

  private static boolean passed(Replacement r) {
    boolean canariesOk = r.canaries().stream().allMatch(c -> Double.isNaN(c.scratch()) || c.after() <= c.scratch() + 1e-9);
    return r.contentAbsent() && (r.newModel() == null || r.digestsEqual()) && canariesOk;
  }

  /**
   * The inputs of the first snapshot of a chain of rebuilds: its pseudonym key is the key of
   * every rebuild, so a rebuild of a rebuild still changes only the shards of the new members.
   */
  private static List<SnapshotMetadata.Input> originalInputs(Path snapshots, JsonNode manifest) throws IOException {
    JsonNode current = manifest;
    Set<String> seen = new HashSet<>();
    while (current.hasNonNull("rebuild_of")) {
      String parent = current.get("rebuild_of").asText();
      Path file = snapshots.resolve(parent).resolve("manifest.json");
      if (!seen.add(parent) || !Files.isRegularFile(file)) {
        throw new IOException("the manifest of snapshot " + parent + ", which " + current.get("snapshot").asText()
            + " rebuilds, is missing");
      }
      current = JSON.readTree(file.toFile());
    }
    List<SnapshotMetadata.Input> inputs = new ArrayList<>();
    current.get("inputs").forEach(i -> inputs.add(new SnapshotMetadata.Input(i.get("name").asText(), i.get("sha256").asText())));
    return inputs;
  }

  /**
   * Rebuilds one snapshot without the members, next to it in its own root.
   *
   * @param withModels whether to retrain the models trained from it (false when a copy of the
   *     same snapshot in another root already did)
   */
  private List<Replacement> replace(SnapshotCatalog.Entry old, Set<String> newMembers, Rebuild context, boolean withModels)
      throws IOException {
    long start = System.nanoTime();
    Path snapshots = old.directory().getParent();
    JsonNode manifest = old.manifest();
    List<Path> content = SnapshotSources.contentFiles(snapshots, old.snapshot())
        .orElseThrow(() -> new UnrebuildableException("the content files of snapshot " + old.snapshot() + " are not recorded", null));
    // The rebuild must read what the snapshot was built from: an export changed since would
    // silently drop or add other members' records, and the old snapshot would be deleted.
    List<String> recorded = recordedContentDigests(old, content);
    for (int i = 0; i < content.size(); i++) {
      checkInput(old.snapshot(), content.get(i), recorded.get(i));
    }
    // Members an earlier rebuild of this snapshot left out must stay out.
    Set<String> members = new LinkedHashSet<>(SnapshotSources.forgotten(snapshots, old.snapshot()));
    members.addAll(newMembers);
    List<SnapshotMetadata.Input> parentInputs = originalInputs(snapshots, manifest);
    // The rebuild keeps the original's shard format, so untouched shards stay byte-identical.
    ShardFormat format = format(old.snapshot(), manifest);
    SnapshotRequest request = SnapshotRequest.builder(old.purpose(), old.asOf()).content(content).outDir(snapshots)
        .shardsPerGroup(manifest.get("sharding").get("shards_per_group").asInt())
        .redaction(RedactionPolicies.parse(manifest.get("redaction_policy").asText()))
        .deploymentKey(context.deploymentKey()).threads(context.threads())
        .ledger(parentInputs.get(0).name(), context.ledgerSha256())
        .rebuild(new SnapshotRequest.Rebuild(old.snapshot(), parentInputs, members))
        .format(format)
        .build();
    SnapshotResult rebuilt = engine.build(context.ledger(), request, ProgressListener.NONE);
    List<SnapshotMetadata.Input> read = rebuilt.metadata().inputs();
    for (int i = 0; i < content.size(); i++) {
      // The engine hashes its inputs before it reads them; hashed again now, a change made while
      // the records were being read shows too (one made and undone meanwhile would not).
      String now = read.get(i + 1).sha256();
      if (now.equals(recorded.get(i))) {
        try {
          now = Hashing.sha256Hex(content.get(i));
        } catch (IOException e) {
          now = "unreadable (" + reason(e) + ")";
        }
      }
      if (!now.equals(recorded.get(i))) {
        // Changed while the rebuild read it: the rebuild is not of the snapshot, so it is not kept.
        if (!rebuilt.alreadyPublished()) {
          DurableFiles.deleteTree(rebuilt.directory());
        }
        throw new InputProblemException("content export " + content.get(i) + " changed while snapshot " + old.snapshot()
            + " was being rebuilt (sha256 " + recorded.get(i) + " recorded, " + now + " read); leave it as it was built from");
      }
    }
    Set<String> leaked = leakedContent(rebuilt.directory(), members, content, context.ledger());
    List<Replacement> out = new ArrayList<>();
    List<ModelRecord> models = withModels ? registry.trainedFrom(old.snapshot()) : List.of();
    if (models.isEmpty()) {
      Replacement rep = new Replacement(old.snapshot(), rebuilt.metadata().snapshot(), null, null, true, leaked.isEmpty(),
          List.of(), 0, 0, (System.nanoTime() - start) / 1_000_000);
      record(rep, newMembers);
      if (passed(rep)) {
        retire(old, List.of(), newMembers, rep.newSnapshot());
      }
      return List.of(rep);
    }
    for (ModelRecord model : models) {
      TrainingReport report = training.retrain(model.id(), rebuilt.directory());
      Verification verification = training.verify(report.model().id(), rebuilt.directory());
      List<CanaryExposure> exposures = exposures(model.id(), report.model().id(), verification.holds(), newMembers);
      Replacement rep = new Replacement(old.snapshot(), rebuilt.metadata().snapshot(), model.id(), report.model().id(),
          verification.holds(), leaked.isEmpty(), exposures, report.recordsTrained(), report.recordsFullRetrain(),
          (System.nanoTime() - start) / 1_000_000);
      record(rep, newMembers);
      out.add(rep);
    }
    if (out.stream().allMatch(ForgetRunner::passed)) {
      retire(old, models, newMembers, rebuilt.metadata().snapshot());
    }
    return out;
  }

  private List<CanaryExposure> exposures(String oldModel, String newModel, boolean sameAsScratch, Set<String> members)
      throws IOException {
    List<PlantedCanary> relevant = canaries.stream().filter(c -> members.contains(c.member())).toList();
    if (relevant.isEmpty()) {
      return List.of();
    }
    Model before = registry.load(oldModel);
    Model after = registry.load(newModel);
    List<CanaryExposure> out = new ArrayList<>();
    for (PlantedCanary c : relevant) {
      double was = Exposure.of(before, c.format(), c.canary()).exposure();
      double is = Exposure.of(after, c.format(), c.canary()).exposure();
      // Equal digests mean the retrained model is the scratch model, so its exposure is the scratch exposure.
      out.add(new CanaryExposure(Hashing.sha256Hex(c.canary()), was, is, sameAsScratch ? is : Double.NaN));
    }
    return out;
  }

  /**
   * A content export a rebuild needs is missing, cannot be read or is not what the snapshot was
   * built from; the message names the file and says what to do. The requests stay pending.
   */
  private static final class InputProblemException extends IOException {
    private static final long serialVersionUID = 1L;

    InputProblemException(String message) {
      super(message);
    }
  }

  /**
   * The SHA-256 each content export had when the snapshot was built, from its manifest's
   * {@code inputs} (the ledger first, then the exports in build order), in the order of
   * {@code content}.
   */
  private static List<String> recordedContentDigests(SnapshotCatalog.Entry old, List<Path> content) throws IOException {
    JsonNode inputs = old.manifest().path("inputs");
    if (!inputs.isArray() || inputs.size() != content.size() + 1) {
      throw new UnrebuildableException("snapshot " + old.snapshot() + "'s manifest names " + Math.max(0, inputs.size() - 1)
          + " content export(s) but " + content.size() + " are recorded as its sources", null);
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < content.size(); i++) {
      JsonNode input = inputs.get(i + 1);
      String name = input.path("name").asText();
      if (!name.equals(String.valueOf(content.get(i).getFileName())) || !input.path("sha256").isTextual()) {
        throw new UnrebuildableException("snapshot " + old.snapshot() + "'s manifest names content export " + name
            + " where its sources record " + content.get(i), null);
      }
      out.add(input.get("sha256").asText());
    }
    return out;
  }

  /** Checks that a content export is there, readable and as the snapshot was built from it. */
  private static void checkInput(String snapshot, Path file, String recorded) throws InputProblemException {
    String built = "snapshot " + snapshot + " was built from it (sha256 " + recorded + "); restore it to rebuild";
    if (!Files.exists(file)) {
      throw new InputProblemException("content export " + file + " is missing: " + built);
    }
    if (!Files.isRegularFile(file)) {
      throw new InputProblemException("content export " + file + " is not a regular file: " + built);
    }
    if (!Files.isReadable(file)) {
      throw new InputProblemException("content export " + file + " is not readable: " + built);
    }
    String now;
    long size;
    try {
      now = Hashing.sha256Hex(file);
      size = Files.size(file);
    } catch (IOException e) {
      throw new InputProblemException("content export " + file + " could not be read (" + reason(e) + "): " + built);
    }
    if (!now.equals(recorded)) {
      throw new InputProblemException("content export " + file + " changed since snapshot " + snapshot + " was built (sha256 "
          + recorded + " recorded, " + now + " now, " + size + " bytes); restore it to rebuild");
    }
  }

  /**
   * What went wrong, in words: a file system exception's message is often the bare path, so
   * missing and unreadable files are said so.
   */
  static String reason(Throwable e) {
    if (e instanceof java.nio.file.NoSuchFileException n) {
      return n.getFile() + " is missing";
    }
    if (e instanceof java.nio.file.AccessDeniedException a) {
      return a.getFile() + " is not readable";
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return (f.getFile() == null ? "" : f.getFile() + ": ") + f.getReason();
    }
    if (e instanceof java.io.UncheckedIOException u) {
      return reason(u.getCause());
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** The shard format a snapshot's manifest names, or a precise error if it cannot be read here. */
  private static ShardFormat format(String snapshot, JsonNode manifest) throws IOException {
    try {
      return ShardFormat.named(Manifest.shardFormat(manifest));
    } catch (IllegalArgumentException e) {
      throw new UnrebuildableException("snapshot " + snapshot + " cannot be rebuilt: " + e.getMessage(), e);
    }
  }

  /**
   * Content ids of the members that still appear in the snapshot: their posts in the ledger, and
   * the export records the build attributes to them ({@link ContentExports#attributed}; a line
   * naming a member for a content id another record had first is not theirs).
   */
  private static Set<String> leakedContent(Path snapshot, Set<String> members, List<Path> content, ConsentLedger ledger)
      throws IOException {
    Set<String> theirs = new HashSet<>();
    Set<String> posted = new HashSet<>();
    ledger.postedContent().forEach(c -> {
      posted.add(c.content());
      if (members.contains(c.member())) {
        theirs.add(c.content());
      }
    });
    ContentExports.attributed(content, members, posted, (id, member) -> theirs.add(id));
    Set<String> leaked = new HashSet<>();
    JsonNode manifest = JSON.readTree(snapshot.resolve("manifest.json").toFile());
    ShardFormat format = format(manifest.path("snapshot").asText(), manifest);
    for (JsonNode shard : manifest.get("shards")) {
      format.read(snapshot.resolve(shard.get("file").asText()), Hashing.sha256(), row -> {
        if (theirs.contains(row.content())) {
          leaked.add(row.content());
        }
      });
    }
    return leaked;
  }

  private void record(Replacement rep, Set<String> members) {
    ObjectNode leaf = JsonNodeFactory.instance.objectNode();
    ArrayNode who = leaf.putArray("members");
    members.stream().map(audit::commitment).sorted().forEach(who::add);
    leaf.put("old_snapshot", rep.oldSnapshot());
    leaf.put("new_snapshot", rep.newSnapshot());
    leaf.put("old_model", rep.oldModel());
    leaf.put("new_model", rep.newModel());
    leaf.put("digests_equal", rep.digestsEqual());
    leaf.put("content_absent", rep.contentAbsent());
    ArrayNode exposures = leaf.putArray("canaries");
    rep.canaries().forEach(c -> exposures.addObject().put("canary_sha256", c.canary())
        .put("before", round(c.before())).put("after", round(c.after())));
    leaf.put("records_retrained", rep.recordsRetrained());
    leaf.put("records_full_retrain", rep.recordsFullRetrain());
    leaf.put("passed", passed(rep));
    leaf.put("at", Rfc3339.format(clock.instant()));
    audit.record(AUDIT_KIND, leaf);
  }

  /** Exposures in the audit log are rounded to integers of millibits so the leaf is canonical JSON. */
  private static long round(double bits) {
    return Math.round(bits * 1000);
  }

  /**
   * Retires a snapshot that a verified rebuild replaced: deletes all its shard files and member
   * bitmaps (the rebuild holds every record that is still allowed, unchanged shards byte for
   * byte) and every artefact of the models trained from it (their successors hold their own
   * links or copies), keeping the manifests as history with a {@code FORGOTTEN.json} tombstone.
   * The tombstone entry names the verified rebuild, so that readers ({@code ReplacedSnapshots})
   * tell it from an earlier rebuild of the same snapshot whose checks failed; the tombstone is
   * replaced whole, never left torn by a crash.
   *
   * @param rebuild the verified rebuild that replaces the snapshot, or null when files that came
   *     back to a snapshot retired before are deleted again (no new rebuild)
   */
  private List<String> retire(SnapshotCatalog.Entry old, List<ModelRecord> models, Set<String> members, String rebuild)
      throws IOException {
    // The files to delete, as they stand now; the tombstone names them before any goes. Written
    // first, it makes the snapshot replaced at once: a crash after it leaves files that the next
    // run's removal pass deletes (a retired snapshot whose files are back), while deleting first
    // would leave a crash with the original half deleted, no tombstone, and the verified rebuild
    // counted as unverified.
    List<Path> doomed = new ArrayList<>();
    for (JsonNode shard : old.manifest().get("shards")) {
      for (String field : List.of("file", "members_file")) {
        doomed.add(old.directory().resolve(shard.get(field).asText()));
      }
    }
    for (ModelRecord model : models) {
      for (ModelRecord.Shard s : model.shards()) {
        doomed.add(model.directory().resolve(s.file()));
      }
    }
    List<Path> present = doomed.stream().filter(Files::exists).toList();
    List<String> removed = present.stream().map(f -> f.getParent().getFileName() + "/" + f.getFileName()).toList();
    ObjectNode tombstone = JsonNodeFactory.instance.objectNode();
    tombstone.put("at", Rfc3339.format(clock.instant()));
    if (rebuild != null) {
      tombstone.put("rebuild", rebuild);
    }
    ArrayNode who = tombstone.putArray("members");
    members.stream().map(audit::commitment).sorted().forEach(who::add);
    ArrayNode files = tombstone.putArray("removed");
    removed.forEach(files::add);
    Path file = old.directory().resolve(ReplacedSnapshots.TOMBSTONE);
    ArrayNode history = JsonNodeFactory.instance.arrayNode();
    if (Files.exists(file)) {
      history = (ArrayNode) JSON.readTree(file.toFile());
    }
    history.add(tombstone);
    DurableFiles.replace(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(history));
    Set<Path> touched = new java.util.TreeSet<>();
    for (Path f : present) {
      Files.deleteIfExists(f);
      touched.add(f.getParent());
    }
    for (Path dir : touched) {
      DurableFiles.forceDirectory(dir);
    }
    return removed;
  }

}
