package dev.lethe.cli;

import dev.lethe.core.event.Rfc3339;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lethe decide --member M --purpose P [--at T]}: one decision from the stored ledger. */
@Command(
    name = "decide",
    mixinStandardHelpOptions = true,
    // One element per paragraph: picocli wraps each to the usage width. The first is the summary
    // 'lethe --help' lists.
    description = {
      "Decides whether a member's data may be used for a purpose, from the stored ledger.",
      "",
      "Decides from the stored ledger whether a member's data may be used for a purpose and prints the decision"
          + " as one JSON line, in the form of 'lethe replay' output."
    })
final class DecideCommand implements Callable<Integer> {

  @Option(names = "--member", required = true, paramLabel = "M", description = "Member id.")
  String member;

  @Option(names = "--purpose", required = true, paramLabel = "P", description = "Purpose, e.g. genai-training.")
  String purpose;

  @Option(names = "--at", paramLabel = "T", description = "Decision instant (RFC 3339 with offset); default: now.")
  String at;

  @Mixin StoreOptions store;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Clock clock;

  DecideCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    Instant instant;
    try {
      instant = at == null ? clock.instant() : Rfc3339.parseInstant(at);
    } catch (DateTimeException e) {
      err.println("--at: " + e.getMessage());
      return Lethe.BAD_INPUT;
    }
    try (LedgerStore ledger = store.open(clock)) {
      PrintWriter out = spec.commandLine().getOut();
      out.println(LedgerReader.mapper().writeValueAsString(DecisionJson.of(ledger.decide(member, purpose, instant))));
      out.flush();
      return CommandLine.ExitCode.OK;
    } catch (StoreException e) {
      err.println("lethe: " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    }
  }
}
