package dev.lethe.cli;

import dev.lethe.store.Compacted;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lethe store ...}: maintenance of the store's database. */
@Command(
    name = "store",
    mixinStandardHelpOptions = true,
    description = "Maintenance of the store's database.")
final class StoreCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The store command with its subcommands. */
  static CommandLine commandLine(Clock clock) {
    CommandLine store = new CommandLine(new StoreCommand());
    store.addSubcommand(new Compact(clock));
    return store;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "compact",
      mixinStandardHelpOptions = true,
      // One element per paragraph: picocli wraps each to the usage width. The first is the summary
      // 'lethe store --help' lists.
      description = {
        "Rewrites the database so that the rows erasure purged are gone from its files.",
        "",
        "Rewrites the database so that the old versions of rows erasure purged (and of any other updated row) are"
            + " gone from its files, not only from the rows: H2's SHUTDOWN COMPACT on the embedded store, VACUUM"
            + " FULL ledger_event on PostgreSQL.",
        "",
        "Run it after erasures, with no other lethe process using an embedded data directory; on PostgreSQL the"
            + " ledger table is locked while it runs. Backups and PostgreSQL's WAL archive are not touched."
      })
  static final class Compact implements Callable<Integer> {

    @Mixin StoreOptions store;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    private final Clock clock;

    Compact(Clock clock) {
      this.clock = clock;
    }

    @Override
    public Integer call() {
      try {
        Compacted c = LedgerStore.compact(store.config(clock));
        PrintWriter out = spec.commandLine().getOut();
        out.println("compacted " + c.what() + ": " + c.bytesBefore() + " -> " + c.bytesAfter() + " bytes");
        out.flush();
        return CommandLine.ExitCode.OK;
      } catch (StoreException e) {
        spec.commandLine().getErr().println("lethe: " + e.getMessage());
        return CommandLine.ExitCode.SOFTWARE;
      }
    }
  }
}
