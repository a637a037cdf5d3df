package dev.lethe.cli;

import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreException;
import dev.lethe.unlearn.forget.ForgetQueue;
import dev.lethe.unlearn.forget.ForgetReason;
import dev.lethe.unlearn.forget.ForgetRequest;
import dev.lethe.unlearn.forget.ForgetRequests;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lethe forget --member M}: an operator's forget request, due in one month. */
@Command(name = "forget", mixinStandardHelpOptions = true,
    description = "Queues a manual request to remove a member from every snapshot and model (run it with 'lethe forget-run').")
final class ForgetCommand implements Callable<Integer> {

  @Option(names = "--member", required = true, paramLabel = "M", description = "Member id.")
  String member;

  @Option(names = "--purpose", paramLabel = "P", description = "Only snapshots and models of this purpose (default: all).")
  String purpose;

  @Mixin StoreOptions store;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Clock clock;

  ForgetCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws IOException {
    try (LedgerStore ledger = store.open(clock)) {
      if (ledger.memberNumber(member).isEmpty()) {
        spec.commandLine().getErr().println("lethe: member \"" + member + "\" is not in the ledger");
        return Lethe.BAD_INPUT;
      }
    } catch (StoreException e) {
      spec.commandLine().getErr().println("lethe: " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    }
    ForgetRequest request = ForgetRequests.pending(member, ForgetReason.MANUAL, purpose, clock.instant());
    ForgetQueue.open(Forgetting.queueDir(store)).addAll(java.util.List.of(request));
    spec.commandLine().getOut().println(ForgetQueue.toJson(request));
    spec.commandLine().getOut().flush();
    return CommandLine.ExitCode.OK;
  }
}
