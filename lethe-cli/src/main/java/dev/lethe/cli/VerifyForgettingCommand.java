package dev.lethe.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.pipeline.StoreSnapshots;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreException;
import dev.lethe.unlearn.forget.ForgetQueue;
import dev.lethe.unlearn.forget.ForgetRequest;
import dev.lethe.unlearn.forget.ForgetRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lethe verify-forgetting --request R | --all}: checks one completed request, or every
 * completed request, again; exit 0 only if each holds.
 */
@Command(name = "verify-forgetting", mixinStandardHelpOptions = true,
    // One element per paragraph: picocli wraps each to the usage width. The first is the summary
    // 'lethe --help' lists.
    description = {"Re-runs the verification of a completed forget request (--request R), or of every completed request (--all);"
        + " exit status 0 only if each still holds.",
      "",
      "A request holds while no snapshot holds the member (member bitmaps), no snapshot or model forgetting retired has its"
        + " deleted files back, the rebuilds hold none of the member's content and the retrained models equal models trained"
        + " from scratch.",
      "",
      "--all prints one JSON line per completed request (id, member, status, ok, problems, reopened) and a summary on stderr.",
      "",
      "Exit status 1 also when a snapshot directory, or a snapshot a build recorded in one, is missing, or when a snapshot"
        + " directory holds another deployment's snapshot (its member bitmaps number that deployment's members)."})
final class VerifyForgettingCommand implements Callable<Integer> {

  @ArgGroup(exclusive = true, multiplicity = "1")
  Which which;

  static final class Which {
    @Option(names = "--request", paramLabel = "R", description = "Request id (see 'lethe forget-status').")
    String request;

    @Option(names = "--all", description = "Every completed request.")
    boolean all;
  }

  @Option(names = "--reopen", description = {"With --all: record each request that no longer holds in the audit log"
      + " (forget.recheck) and set it back to pending, so that the next 'lethe forget-run' forgets the member again"
      + " (what the server does after each run)."})
  boolean reopen;

  @Mixin StoreOptions store;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Clock clock;

  VerifyForgettingCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws IOException {
    if (reopen && !which.all) {
      spec.commandLine().getErr().println("lethe: --reopen goes with --all");
      return Lethe.BAD_INPUT;
    }
    return which.all ? all() : one(which.request);
  }

  private Integer one(String request) throws IOException {
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

  private Integer all() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ForgetQueue queue = ForgetQueue.open(Forgetting.queueDir(store));
    try (LedgerStore ledger = store.open(clock)) {
      StoreSnapshots.StoredLedger stored = StoreSnapshots.load(ledger);
      List<String> gaps = Forgetting.gaps(ledger, store);
      gaps.forEach(g -> err.println("lethe: " + g));
      if (!gaps.isEmpty() && reopen) {
        // A gap is not evidence that a member's data is back: nothing is recorded or reopened.
        err.println("lethe: nothing was reopened; first resolve what is listed above (restore or retire what is missing,"
            + " move another deployment's snapshots out)");
        return CommandLine.ExitCode.SOFTWARE;
      }
      ForgetRunner runner = Forgetting.runner(ledger, store, clock, Forgetting.standardDetector(),
          Runtime.getRuntime().availableProcessors());
      List<ForgetRequest> completed = queue.list().stream().filter(r -> r.status() == ForgetRequest.Status.COMPLETED).toList();
      List<ForgetRunner.Recheck> results;
      Set<String> reopened = Set.of();
      try {
        if (reopen) {
          ForgetRunner.RecheckReport report = runner.recheckCompleted(stored.ledger(), Set.of(), true);
          results = report.results();
          reopened = Set.copyOf(report.reopened());
        } else {
          results = runner.recheck(completed, stored.ledger());
        }
      } catch (ForgetRunner.UnreachableRootException e) {
        // Nothing can be shown to hold while a root cannot be read: every request fails with the gaps.
        results = completed.stream().map(r -> new ForgetRunner.Recheck(r, gaps.isEmpty() ? List.of(e.getMessage()) : gaps))
            .toList();
      } catch (ForgetRunner.ConcurrentRunException e) {
        err.println("lethe: " + e.getMessage());
        return CommandLine.ExitCode.SOFTWARE;
      }
      int failed = 0;
      for (ForgetRunner.Recheck c : results) {
        List<String> problems = new ArrayList<>(c.problems());
        for (String g : gaps) {
          if (!problems.contains(g)) {
            problems.add(g);
          }
        }
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", c.request().id());
        o.put("member", c.request().member());
        o.put("status", c.request().status().word());
        o.put("ok", problems.isEmpty());
        ArrayNode list = o.putArray("problems");
        problems.forEach(list::add);
        o.put("reopened", reopened.contains(c.request().id()));
        out.println(o);
        if (!problems.isEmpty()) {
          failed++;
        }
      }
      out.flush();
      err.println("verify-forgetting: " + results.size() + " completed request(s) checked, " + (results.size() - failed)
          + " hold, " + failed + " no longer hold" + (reopen ? ", " + reopened.size() + " reopened" : "")
          + (gaps.isEmpty() ? "" : "; " + gaps.size() + " gap(s) in what could be checked, listed above"));
      return failed == 0 && gaps.isEmpty() ? CommandLine.ExitCode.OK : 1;
    } catch (StoreException e) {
      err.println("lethe: " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    }
  }
}
