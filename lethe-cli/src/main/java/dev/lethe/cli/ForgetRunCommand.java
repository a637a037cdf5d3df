package dev.lethe.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.pipeline.StoreSnapshots;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreException;
import dev.lethe.unlearn.forget.ForgetQueue;
import dev.lethe.unlearn.forget.ForgetRequest;
import dev.lethe.unlearn.forget.ForgetRunner;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lethe forget-run}: executes the forget requests that are pending, earliest deadline first. */
@Command(name = "forget-run", mixinStandardHelpOptions = true,
    description = {
      "Executes pending forget requests, earliest deadline first.",
      "Queues the forget requests the ledger gives rise to (erasures; withdrawals under a policy with",
      "retroactive withdrawal; members whose region a new policy blocks), then executes every pending",
      "request: rebuilds affected snapshots without the members, retrains only the changed shards,",
      "verifies, records the verification in the audit log and deletes the old artefacts.",
      "Covers every snapshot directory a build published into (see 'lethe snapshots'); if one of them is",
      "missing or unreadable, or lacks a snapshot a build recorded publishing there, nothing is executed",
      "and the exit status is 1 (restore it, or 'lethe snapshots --unregister DIR' / '--retire ID')."
    })
final class ForgetRunCommand implements Callable<Integer> {

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: available processors).")
  Integer threads;

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
      // A root or recorded snapshot that is not there may hold the members' records elsewhere: nothing runs.
      List<String> gaps = Forgetting.gaps(ledger, store);
      if (!gaps.isEmpty()) {
        gaps.forEach(g -> spec.commandLine().getErr().println("lethe: " + g));
        return CommandLine.ExitCode.SOFTWARE;
      }
      ForgetRunner.RunReport report = Forgetting.runner(ledger, store, clock, Forgetting.standardDetector(), workers)
          .run(new ForgetRunner.Rebuild(stored.ledger(), stored.sha256(), StoreSnapshots.deploymentKey(ledger), workers));
      Forgetting.recordRebuilds(ledger, report);
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("queued", added.size());
      o.put("executed", report.executed());
      o.put("completed", report.completed());
      o.put("failed", report.failed());
      o.put("snapshots_rebuilt", report.replacements().stream().map(r -> r.newSnapshot()).distinct().count());
      o.put("records_retrained", report.replacements().stream().mapToLong(r -> r.recordsRetrained()).sum());
      o.put("records_full_retrain", report.replacements().stream().mapToLong(r -> r.recordsFullRetrain()).sum());
      spec.commandLine().getOut().println(o);
      spec.commandLine().getOut().flush();
      return report.failed() == 0 ? CommandLine.ExitCode.OK : CommandLine.ExitCode.SOFTWARE;
    } catch (ForgetRunner.UnreachableRootException e) {
      spec.commandLine().getErr().println("lethe: " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    } catch (StoreException e) {
      spec.commandLine().getErr().println("lethe: " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    }
  }
}
