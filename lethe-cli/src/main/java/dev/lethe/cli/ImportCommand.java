package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.core.event.LedgerEvent.Query;
import dev.lethe.core.ledger.LedgerFormatException;
import dev.lethe.core.ledger.LineNumbers;
import dev.lethe.store.Append;
import dev.lethe.store.AppendResult;
import dev.lethe.store.EventRejectedException;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code lethe import FILE}: appends a ledger file to the store in one transaction. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    // One element per paragraph: picocli wraps each to the usage width. The first is the summary
    // 'lethe --help' lists.
    description = {
      "Appends every event of a ledger file to the store, all or nothing.",
      "",
      "Appends every event of a ledger file (JSON Lines) to the store, all or nothing, validated as 'lethe"
          + " replay' validates together with what the store holds. Queries are skipped. A string \"id\" field is"
          + " the event's client id: importing the same file again adds nothing. An erasure.requested event purges"
          + " its member's stored events (see 'lethe store compact').",
      "",
      "Exit status 2 with 'line N: problem' on stderr if the file breaks the format or an event is refused;"
          + " an import that fails into a data directory without a store leaves no store there."
    })
final class ImportCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "FILE", description = "Ledger file; '-' reads standard input.")
  String file;

  @Mixin StoreOptions store;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Clock clock;

  ImportCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    // Each line is kept as the compact text of its JSON object (what the store re-writes it to
    // anyway) and its line number, never as its tree or typed event: those take several times
    // the memory of the text, and a ledger file can hold millions of events.
    List<Append> batch = new ArrayList<>();
    LineNumbers lineOf = new LineNumbers();
    try {
      LedgerInput.scan(file, System.in, line -> {
        if (line.event() instanceof Query) {
          return;
        }
        JsonNode id = line.json().get("id");
        String clientId = id != null && id.isTextual() ? id.textValue() : null;
        try {
          batch.add(new Append(line.json().toString(), clientId));
        } catch (IllegalArgumentException e) {
          throw new LedgerFormatException(line.line(), "\"id\": " + e.getMessage());
        }
        lineOf.add(line.line());
      });
    } catch (IOException e) {
      err.println("cannot read " + e.getMessage());
      return Lethe.BAD_INPUT;
    } catch (LedgerFormatException e) {
      err.println(e.getMessage());
      return Lethe.BAD_INPUT;
    }
    StoreOptions.NewStore before;
    try {
      before = store.beforeCreating(clock);
    } catch (IOException e) {
      err.println("lethe: cannot read the data directory " + store.dataDir() + ": " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    } catch (StoreException e) {
      err.println("lethe: " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    }
    boolean[] ours = {false};
    int status = CommandLine.ExitCode.SOFTWARE;
    try {
      status = append(batch, lineOf, err, before, ours);
      return status;
    } finally {
      if (status != CommandLine.ExitCode.OK && ours[0]) {
        // A failed import into a directory without a store leaves none behind: bad input changes
        // nothing, and a new deployment key would stand in the way of restoring the right one.
        try {
          before.discard();
        } catch (IOException e) {
          err.println("lethe: cannot remove the store this import created in " + store.dataDir() + ": " + e.getMessage());
        }
      }
    }
  }

  /**
   * Appends the batch. {@code ours[0]} is set when the store this opened is one this import may
   * take back after a failure: there was none before, this process opened it (an import that found
   * it in use by another process never touches it) and it held no event when opened (one that
   * another import filled meanwhile is that import's).
   */
  private int append(List<Append> batch, LineNumbers lines, PrintWriter err, StoreOptions.NewStore before,
      boolean[] ours) {
    try (LedgerStore ledger = store.openOrCreate(clock)) {
      ours[0] = before.created() && ledger.auditSize() == 0;
      List<AppendResult> results = ledger.appendBatch(batch);
      long repeated = results.stream().filter(AppendResult::repeated).count();
      PrintWriter out = spec.commandLine().getOut();
      out.println("imported " + (results.size() - repeated) + " events (" + repeated + " already stored); the ledger holds "
          + ledger.eventCount() + " events");
      out.flush();
      return CommandLine.ExitCode.OK;
    } catch (EventRejectedException e) {
      err.println("line " + lines.of(e.index()) + ": " + e.problem());
      return Lethe.BAD_INPUT;
    } catch (StoreException e) {
      err.println("lethe: " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    }
  }
}
