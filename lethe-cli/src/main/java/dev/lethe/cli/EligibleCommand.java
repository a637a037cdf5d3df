package dev.lethe.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.decision.Eligibility;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.core.ledger.LedgerFormatException;
import dev.lethe.core.ledger.LedgerReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lethe eligible FILE --purpose P --at T}: the content-eligibility result for a snapshot. */
@Command(
    name = "eligible",
    mixinStandardHelpOptions = true,
    // One element per paragraph: picocli wraps each to the usage width. The first is the summary
    // 'lethe --help' lists.
    description = {
      "Prints which content a snapshot for a purpose at an instant may include.",
      "",
      "Applies the content-eligibility rule to every content.posted event of a ledger file and prints, as JSON,"
          + " the included content ids (sorted) and the excluded counts per reason (every excluded item counted"
          + " once, under the first reason that applies)."
    })
final class EligibleCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "FILE", description = "Ledger file; '-' reads standard input.")
  String file;

  @Option(names = "--purpose", required = true, description = "Purpose of the snapshot, e.g. genai-training.")
  String purpose;

  @Option(names = "--at", required = true, paramLabel = "T", description = "As-of instant (RFC 3339 with offset).")
  String at;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    Instant asOf;
    try {
      asOf = Rfc3339.parseInstant(at);
    } catch (DateTimeException e) {
      err.println("--at: " + e.getMessage());
      return Lethe.BAD_INPUT;
    }
    Eligibility result;
    try {
      result = LedgerInput.loadEvents(file, System.in).ledger().eligibility(purpose, asOf);
    } catch (LedgerFormatException e) {
      err.println(e.getMessage());
      return Lethe.BAD_INPUT;
    } catch (IOException e) {
      err.println("cannot read " + e.getMessage());
      return Lethe.BAD_INPUT;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(LedgerReader.mapper().writeValueAsString(toJson(result)));
    out.flush();
    return CommandLine.ExitCode.OK;
  }

  static ObjectNode toJson(Eligibility e) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("purpose", e.purpose());
    o.put("at", Rfc3339.format(e.at()));
    o.put("policy_version", e.policyVersion());
    o.put("included_count", e.included().size());
    o.put("excluded_count", e.excludedTotal());
    ArrayNode included = o.putArray("included");
    e.included().forEach(included::add);
    ObjectNode excluded = o.putObject("excluded");
    e.excluded().forEach(excluded::put);
    return o;
  }
}
