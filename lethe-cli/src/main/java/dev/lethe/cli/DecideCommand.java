package dev.lethe.cli;

import dev.lethe.core.decision.Decision;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreException;
import dev.lethe.unlearn.forget.ForgetRequests;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lethe decide --member M --purpose P [--at T]}: one decision from the stored ledger.
 * Refuses (exit 2) what other commands refuse: an empty member, an instant after now, a purpose
 * no policy in the ledger defines.
 */
@Command(
    name = "decide",
    mixinStandardHelpOptions = true,
    // One element per paragraph: picocli wraps each to the usage width. The first is the summary
    // 'lethe --help' lists.
    description = {
      "Decides whether a member's data may be used for a purpose, from the stored ledger.",
      "",
      "Decides from the stored ledger whether a member's data may be used for a purpose and prints the decision"
          + " as one JSON line, in the form of 'lethe replay' output.",
      "",
      "Exit status 2, with nothing printed on standard output, for a question the stored ledger cannot answer"
          + " truthfully: an empty or blank --member, a --purpose no policy in the ledger defines (the message lists"
          + " the defined ones), an --at that is malformed or after now (consent at a future instant is a guess,"
          + " as for 'lethe build --as-of'). A member the ledger does not know is answered (unknown-member), and so"
          + " is a purpose that only the policy in force at --at does not define (no-policy). 'lethe replay'"
          + " answers every query event of a ledger file, whatever its instant or purpose, as the spec says."
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
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    if (member.isBlank()) {
      // No event can name such a member usefully, and the content reader refuses it too.
      err.println("lethe: --member must not be empty or blank");
      return Lethe.BAD_INPUT;
    }
    Instant now = clock.instant();
    Instant instant;
    try {
      instant = at == null ? now : Rfc3339.parseInstant(at);
    } catch (DateTimeException e) {
      err.println("lethe: --at: " + e.getMessage());
      return Lethe.BAD_INPUT;
    }
    String atProblem = futureProblem(instant, now);
    if (atProblem != null) {
      err.println("lethe: --at: " + atProblem);
      return Lethe.BAD_INPUT;
    }
    try (LedgerStore ledger = store.open(clock)) {
      Decision decision = ledger.decide(member, purpose, instant);
      // A setting offered means the policy in force defines the purpose: only otherwise are the
      // stored policies read to tell a typo from a purpose that is merely not in force at --at.
      if (!decision.settingOffered()) {
        String purposeProblem = ForgetRequests.purposeProblem(ledger.definedPurposes(), purpose);
        if (purposeProblem != null) {
          err.println("lethe: --purpose: " + purposeProblem);
          return Lethe.BAD_INPUT;
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(LedgerReader.mapper().writeValueAsString(DecisionJson.of(decision)));
      out.flush();
      return CommandLine.ExitCode.OK;
    } catch (StoreException e) {
      err.println("lethe: " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    } catch (IOException e) {
      err.println("lethe: " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    }
  }

  /**
   * Why a decision at {@code at} would be a guess, or null: an instant after now, which events
   * not yet appended (a withdrawal, a birthday) could change. Worded as {@code lethe build} words
   * a future {@code --as-of}.
   */
  static String futureProblem(Instant at, Instant now) {
    if (!at.isAfter(now)) {
      return null;
    }
    return Rfc3339.format(at) + " is in the future (now is " + Rfc3339.format(now.truncatedTo(ChronoUnit.SECONDS))
        + "); a decision can only be made for the present or the past";
  }
}
