package dev.lethe.cli;

import dev.lethe.pipeline.SnapshotRoots;
import dev.lethe.pipeline.StoreSnapshots;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreException;
import dev.lethe.unlearn.forget.ForgetQueue;
import dev.lethe.unlearn.forget.ForgetRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lethe forget-status}: every forget request as one JSON line, earliest deadline first. */
@Command(name = "forget-status", mixinStandardHelpOptions = true,
    description = "Lists forget requests as JSON lines (id, member, reason, received, deadline, status, affected models, new snapshot).")
final class ForgetStatusCommand implements Callable<Integer> {

  @Option(names = "--member", paramLabel = "M", description = "Only this member's requests.")
  String member;

  @Mixin StoreOptions store;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Clock clock;

  ForgetStatusCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws IOException {
    ForgetQueue queue = ForgetQueue.open(Forgetting.queueDir(store));
    SnapshotRoots.Coverage coverage;
    try (LedgerStore ledger = store.open(clock)) {
      Forgetting.sync(StoreSnapshots.load(ledger), queue, clock);
      coverage = Forgetting.coverage(ledger, store);
    } catch (StoreException e) {
      spec.commandLine().getErr().println("lethe: " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    }
    PrintWriter out = spec.commandLine().getOut();
    for (ForgetRequest r : queue.list()) {
      if (member == null || member.equals(r.member())) {
        out.println(ForgetQueue.toJson(r));
      }
    }
    out.flush();
    // Pending requests cannot complete while forgetting cannot cover every copy: say why, beside the list.
    for (String gap : coverage.forgettingProblems()) {
      spec.commandLine().getErr().println("lethe: " + gap + " (until then, forget-run completes no request)");
    }
    return CommandLine.ExitCode.OK;
  }
}
