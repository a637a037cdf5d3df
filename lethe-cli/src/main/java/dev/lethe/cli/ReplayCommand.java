package dev.lethe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.LedgerEvent.Query;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerFormatException;
import dev.lethe.core.ledger.LedgerLine;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.core.ledger.LedgerReader.LoadedLedger;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code lethe replay FILE...}: answers every {@code query} of a ledger file. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    // One element per paragraph: picocli wraps each to the usage width. The first is the summary
    // 'lethe --help' lists.
    description = {
      "Prints one decision per query of ledger files (JSON Lines), in input order.",
      "",
      "With several files each line carries \"file\" and the files are answered in order.",
      "",
      "Exit status 2 if a file breaks the format: its problem goes to stderr as 'line N: problem' (prefixed with"
          + " the file name when there are several) and nothing is printed for that file."
    })
final class ReplayCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Ledger files; '-' reads standard input.")
  List<String> files;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ObjectMapper mapper = LedgerReader.mapper();
    boolean several = files.size() > 1;
    int status = CommandLine.ExitCode.OK;
    for (String file : files) {
      String prefix = several ? file + ": " : "";
      LoadedLedger loaded;
      try {
        loaded = LedgerInput.load(file, System.in);
      } catch (LedgerFormatException e) {
        err.println(prefix + e.getMessage());
        status = Lethe.BAD_INPUT;
        continue;
      } catch (IOException e) {
        err.println(prefix + "cannot read " + e.getMessage());
        status = Lethe.BAD_INPUT;
        continue;
      }
      // Answer the whole file before printing so a file is either answered fully or not at all.
      StringBuilder answers = new StringBuilder();
      ConsentLedger ledger = loaded.ledger();
      for (LedgerLine line : loaded.lines()) {
        if (line.event() instanceof Query q) {
          ObjectNode json = DecisionJson.of(ledger.decide(q.member(), q.purpose(), q.at()));
          if (several) {
            json.put("file", file);
          }
          try {
            answers.append(mapper.writeValueAsString(json)).append('\n');
          } catch (IOException e) {
            throw new IllegalStateException("cannot serialize a decision", e);
          }
        }
      }
      out.print(answers);
      out.flush();
    }
    err.flush();
    return status;
  }
}
