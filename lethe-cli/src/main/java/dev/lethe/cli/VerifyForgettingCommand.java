package dev.lethe.cli;

import dev.lethe.pipeline.StoreSnapshots;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreException;
import dev.lethe.unlearn.forget.ForgetQueue;
import dev.lethe.unlearn.forget.ForgetRequest;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lethe verify-forgetting --request R}: checks a completed request again; exit 0 only if it holds. */
@Command(name = "verify-forgetting", mixinStandardHelpOptions = true,
    description = {"Re-runs the verification of a completed forget request; exit status 0 only if it still holds.",
      "Exit status 1 also when a snapshot directory, or a snapshot a build recorded in one, is missing."})
final class VerifyForgettingCommand implements Callable<Integer> {

  @Option(names = "--request", required = true, paramLabel = "R", description = "Request id (see 'lethe forget-status').")
  String request;

  @Mixin StoreOptions store;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Clock clock;

  VerifyForgettingCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws IOException {
    Optional<ForgetRequest> found;
    try {
      found = ForgetQueue.open(Forgetting.queueDir(store)).find(request);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("--request: " + e.getMessage());
      return Lethe.BAD_INPUT;
    }
    if (found.isEmpty()) {
      spec.commandLine().getErr().println("lethe: no forget request " + request);
      return Lethe.BAD_INPUT;
    }
    try (LedgerStore ledger = store.open(clock)) {
      StoreSnapshots.StoredLedger stored = StoreSnapshots.load(ledger);
      // A rebuild in a root or snapshot that is not there cannot be checked: that is not "holds".
      List<String> gaps = Forgetting.gaps(ledger, store);
      if (!gaps.isEmpty()) {
        gaps.forEach(g -> spec.commandLine().getErr().println("lethe: " + g));
        return CommandLine.ExitCode.SOFTWARE;
      }
      List<String> problems = Forgetting.runner(ledger, store, clock, Forgetting.standardDetector(), 1)
          .verifyAgain(found.get(), stored.ledger());
      if (problems.isEmpty()) {
        spec.commandLine().getOut().println("forgetting of " + request + " holds: "
            + found.get().outcome().replacements().size() + " replacement(s) verified");
        return CommandLine.ExitCode.OK;
      }
      problems.forEach(p -> spec.commandLine().getErr().println("FAILED: " + p));
      return 1;
    } catch (StoreException e) {
      spec.commandLine().getErr().println("lethe: " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    }
  }
}
