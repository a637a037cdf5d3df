package dev.lethe.cli;

import dev.lethe.pipeline.StoreSnapshots;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreException;
import dev.lethe.unlearn.forget.ForgetQueue;
import dev.lethe.unlearn.forget.ForgetReason;
import dev.lethe.unlearn.forget.ForgetRequest;
import dev.lethe.unlearn.forget.ForgetRequests;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lethe forget --member M [--purpose P]}: an operator's forget request, due in one month.
 * Refuses (exit 2, nothing queued) a member the ledger does not know and a purpose no policy
 * version defines; when the same manual request (member and purpose) is already pending it
 * prints that one and queues nothing (exit 0).
 */
@Command(name = "forget", mixinStandardHelpOptions = true,
    description = "Queues a manual request to remove a member from every snapshot and model (run it with 'lethe forget-run');"
        + " a snapshot built later, as of an instant at which the ledger allows the member, is left alone."
        + " Exit 2 for a member the ledger does not know or a --purpose no policy defines; an identical pending"
        + " request is shown, not queued twice.")
final class ForgetCommand implements Callable<Integer> {

  @Option(names = "--member", required = true, paramLabel = "M", description = "Member id.")
  String member;

  @Option(names = "--purpose", paramLabel = "P",
      description = "Only snapshots and models of this purpose (default: all); some policy version must define it.")
  String purpose;

  @Mixin StoreOptions store;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Clock clock;

  ForgetCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    try (LedgerStore ledger = store.open(clock)) {
      if (ledger.memberNumber(member).isEmpty()) {
        err.println("lethe: member \"" + member + "\" is not in the ledger");
        return Lethe.BAD_INPUT;
      }
      if (purpose != null) {
        // A purpose no policy defines (a typo) has no snapshots: the request would "complete" untouched.
        String problem = ForgetRequests.purposeProblem(StoreSnapshots.load(ledger).ledger(), purpose);
        if (problem != null) {
          err.println("lethe: --purpose: " + problem + "; no request was queued");
          return Lethe.BAD_INPUT;
        }
      }
    } catch (StoreException e) {
      err.println("lethe: " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    }
    ForgetQueue queue = ForgetQueue.open(Forgetting.queueDir(store));
    PrintWriter out = spec.commandLine().getOut();
    Optional<ForgetRequest> queued = queue.list().stream()
        .filter(r -> r.status() == ForgetRequest.Status.PENDING && r.reason() == ForgetReason.MANUAL
            && r.member().equals(member) && Objects.equals(r.purpose(), purpose))
        .findFirst();
    if (queued.isPresent()) {
      // The same pending request twice would be executed once anyway; a second one only clutters the queue.
      err.println("lethe: a manual request for member \"" + member + "\"" + (purpose == null ? "" : " and purpose \"" + purpose + "\"")
          + " is already pending (" + queued.get().id() + "); no new request was queued");
      out.println(ForgetQueue.toJson(queued.get()));
      out.flush();
      return CommandLine.ExitCode.OK;
    }
    ForgetRequest request = ForgetRequests.pending(member, ForgetReason.MANUAL, purpose, clock.instant());
    queue.addAll(List.of(request));
    out.println(ForgetQueue.toJson(request));
    out.flush();
    return CommandLine.ExitCode.OK;
  }
}
