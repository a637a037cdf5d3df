package dev.lethe.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.pipeline.SnapshotRoots;
import dev.lethe.pipeline.StoreSnapshots;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreException;
import dev.lethe.unlearn.forget.ForgetQueue;
import dev.lethe.unlearn.forget.ForgetRequest;
import dev.lethe.unlearn.forget.ForgetRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lethe forget-run}: executes the forget requests that are pending, earliest deadline first,
 * then checks every request completed before the run again and reopens each one whose member's
 * data is back, exactly as the server's forget run does ({@link ForgetRunner#runThenRecheck}).
 */
@Command(name = "forget-run", mixinStandardHelpOptions = true,
    // One element per paragraph: picocli wraps each to the terminal's width.
    description = {
      "Executes pending forget requests, earliest deadline first.",
      "",
      "Queues the forget requests the ledger gives rise to (erasures; withdrawals under a policy with retroactive"
          + " withdrawal; members whose region a new policy blocks), then executes every pending request: rebuilds"
          + " affected snapshots without the members, retrains only the changed shards, verifies, records the"
          + " verification in the audit log and deletes the old artefacts. Covers every snapshot directory a build"
          + " published into (see 'lethe snapshots'), reading only this deployment's snapshots. If one of them is"
          + " missing or unreadable, lacks a snapshot a build recorded publishing there, or holds another deployment's"
          + " snapshot, each such gap is printed on stderr and the run still forgets the members in every snapshot it"
          + " can see, but completes no request: each stays pending with the gaps in its detail, the exit status is 1,"
          + " and the first run after the gaps are resolved completes it (restore the directory or snapshot, or"
          + " 'lethe snapshots --unregister DIR' / '--retire ID', or move the other deployment's snapshot out).",
      "",
      "After the run, every request completed before it is checked again, as 'lethe verify-forgetting --all --reopen'"
          + " and the server's forget run do: one whose member's data is back (a retired snapshot's or model's files"
          + " restored from a backup, an old copy of a snapshot remounted, a model copied back) is recorded in the"
          + " audit log (forget.recheck) and set back to pending with its id, receipt and original deadline, so that"
          + " the next 'lethe forget-run' forgets the member again. It is not executed again in the same run: the"
          + " finding is recorded first, and the run that acts on it is a separate, audited step. Each such request"
          + " is named on stderr with what was found; stdout's JSON has the re-check under \"recheck\" (checked,"
          + " holding, reopened, failed, error).",
      "",
      "A request whose rebuild its environment stopped (a content export missing, not readable, or changed since the"
          + " snapshot was built, checked against the SHA-256 the manifest recorded; a disk error) stays pending with the"
          + " reason in its detail, nothing of the snapshot is deleted, and the next run retries it. A request that"
          + " failed (a verification failed, or it cannot be run) stays failed; --retry-failed sets every failed"
          + " request back to pending before the run. The reason of every failed or pending-but-blocked request is"
          + " printed on stderr.",
      "",
      "Exit status: 0 when every pending request completed and every completed request still holds; 1 when a"
          + " request failed or is blocked (this run or an earlier one), forgetting cannot cover every snapshot (the"
          + " gaps above), or the re-check did not finish;"
          + " 3 when the run itself succeeded but the re-check reopened requests whose forgetting no longer holds"
          + " (run 'lethe forget-run' again to forget them). 1 wins when both apply."
    })
final class ForgetRunCommand implements Callable<Integer> {

  /** Exit status when the run succeeded but the re-check reopened requests that no longer hold. */
  static final int REOPENED = 3;

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: available processors).")
  Integer threads;

  @Option(names = "--retry-failed",
      description = "Set every failed request back to pending before the run, so that it runs again (what it verified is kept).")
  boolean retryFailed;

  @Mixin StoreOptions store;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Clock clock;

  ForgetRunCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws IOException {
    int workers = threads == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, threads);
    try (LedgerStore ledger = store.open(clock)) {
      StoreSnapshots.StoredLedger stored = StoreSnapshots.load(ledger);
      ForgetQueue queue = ForgetQueue.open(Forgetting.queueDir(store));
      List<ForgetRequest> added = Forgetting.sync(stored, queue, clock);
      // A root or recorded snapshot that is not there, or another deployment's snapshot among ours,
      // may hold the members' records: the run forgets in what it can see, but completes nothing.
      SnapshotRoots.Coverage coverage = Forgetting.coverage(ledger, store);
      List<String> gaps = coverage.forgettingProblems();
      gaps.forEach(g -> spec.commandLine().getErr().println("lethe: " + g));
      ForgetRunner runner = Forgetting.runner(ledger, store, clock, Forgetting.standardDetector(), workers);
      List<String> retried = retryFailed ? runner.retryFailed() : List.of();
      ForgetRunner.RunAndRecheck result = runner.runThenRecheck(new ForgetRunner.Rebuild(stored.ledger(), stored.sha256(),
          StoreSnapshots.deploymentKey(ledger), workers, coverage.missingProblems()));
      ForgetRunner.RunReport report = result.run();
      // What the run found besides what the store's records showed (an unreadable snapshot, say).
      for (String g : report.gaps()) {
        if (!gaps.contains(g)) {
          spec.commandLine().getErr().println("lethe: " + g);
        }
      }
      Forgetting.recordRebuilds(ledger, report);
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("queued", added.size());
      o.put("executed", report.executed());
      o.put("completed", report.completed());
      o.put("failed", report.failed());
      o.put("blocked", report.blocked());
      o.put("retried", retried.size());
      o.put("snapshots_rebuilt", report.replacements().stream().map(r -> r.newSnapshot()).distinct().count());
      o.put("records_retrained", report.replacements().stream().mapToLong(r -> r.recordsRetrained()).sum());
      o.put("records_full_retrain", report.replacements().stream().mapToLong(r -> r.recordsFullRetrain()).sum());
      o.set("recheck", result.recheckJson(clock.instant()));
      spec.commandLine().getOut().println(o);
      spec.commandLine().getOut().flush();
      PrintWriter err = spec.commandLine().getErr();
      // Every request that is failed or blocked, this run's or an earlier one's: each keeps the exit status at 1.
      boolean stuck = false;
      int heldByGaps = 0;
      for (ForgetRequest r : queue.list()) {
        if (r.status() == ForgetRequest.Status.FAILED) {
          stuck = true;
          err.println("forget-run: " + r.id() + ": failed: " + detail(r)
              + " ('lethe forget-run --retry-failed' runs it again)");
        } else if (blocked(r) && detail(r).startsWith(ForgetRunner.GAP_DETAIL)) {
          // The gaps are named above once; a line per request would repeat them thousands of times.
          stuck = true;
          heldByGaps++;
        } else if (blocked(r)) {
          stuck = true;
          err.println("forget-run: " + r.id() + ": " + detail(r) + " (still pending; the next 'lethe forget-run' retries it)");
        }
      }
      if (heldByGaps > 0) {
        err.println("forget-run: " + heldByGaps + " request(s) still pending, complete only once the gaps above are resolved"
            + " (what each one removed meanwhile is kept; 'lethe forget-status' lists them)");
      }
      if (result.recheck() == null) {
        err.println("lethe: the re-check of completed requests did not finish: " + result.recheckError());
      } else {
        for (ForgetRunner.Recheck c : result.recheck().failed()) {
          boolean reopened = result.recheck().reopened().contains(c.request().id());
          err.println("lethe: forgetting of request " + c.request().id() + " (member " + c.request().member()
              + ") no longer holds" + (reopened ? "; reopened, the next 'lethe forget-run' forgets the member again" : "") + ":");
          c.problems().forEach(p -> err.println("  " + p));
        }
      }
      err.flush();
      if (stuck || !gaps.isEmpty() || !report.gaps().isEmpty() || report.failed() > 0 || report.blocked() > 0 || result.recheck() == null) {
        return CommandLine.ExitCode.SOFTWARE;
      }
      return result.recheckHolds() ? CommandLine.ExitCode.OK : REOPENED;
    } catch (ForgetRunner.UnreachableRootException e) {
      spec.commandLine().getErr().println("lethe: " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    } catch (StoreException e) {
      spec.commandLine().getErr().println("lethe: " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    }
  }

  /**
   * Whether a pending request carries the reason a run left it pending (a run records an outcome
   * on a pending request only when its environment stopped it).
   */
  static boolean blocked(ForgetRequest r) {
    return r.status() == ForgetRequest.Status.PENDING && r.outcome() != null && r.outcome().completedAt() == null
        && r.outcome().detail() != null && !r.outcome().detail().startsWith("retried after failing");
  }

  private static String detail(ForgetRequest r) {
    return r.outcome() == null || r.outcome().detail() == null ? "no reason recorded" : r.outcome().detail();
  }
}
