package dev.lethe.cli;

import dev.lethe.store.Compacted;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lethe store ...}: maintenance of the store's database and its deployment key. */
@Command(
    name = "store",
    mixinStandardHelpOptions = true,
    description = "Maintenance of the store's database and its deployment key.")
final class StoreCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The store command with its subcommands. */
  static CommandLine commandLine(Clock clock) {
    CommandLine store = new CommandLine(new StoreCommand());
    store.addSubcommand(new Compact(clock));
    store.addSubcommand(new ExportKey(clock));
    return store;
  }

  @Override
  public void run() {
    throw Lethe.missingSubcommand(spec);
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
      store.requireStore();
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

  @Command(
      name = "export-key",
      mixinStandardHelpOptions = true,
      description = {
        "Writes the store's deployment key to a new file, to move the deployment to another store.",
        "",
        "Writes the deployment key of the store --data or --db selects (the embedded store's deployment.key, or"
            + " the key PostgreSQL keeps in store_meta) to a new file readable by its owner only, and prints the key"
            + " id that the deployment's erased-name digests carry; the key itself is never printed. The store is"
            + " not opened, so a store without a key is not given one (the command fails instead).",
        "",
        "Put the file in the new store's data directory as deployment.key before that store is first opened"
            + " (a new embedded store keeps it there; a new PostgreSQL database takes its first key from it), then"
            + " 'lethe export' from the old store and 'lethe import' into the new one. Without the key the new"
            + " store refuses the erased members' name digests, and an embedded database copied without it no"
            + " longer verifies its audit log. The file is"
            + " as secret as the store: whoever holds it can link audit leaves to member ids and test guessed"
            + " names against erased members' digests."
      })
  static final class ExportKey implements Callable<Integer> {

    @Mixin StoreOptions store;

    @Option(
        names = "--out",
        paramLabel = "FILE",
        required = true,
        description = "The new key file (32 bytes, mode 0600 where the file system is POSIX); an existing file is"
            + " never written over.")
    Path out;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    private final Clock clock;

    ExportKey(Clock clock) {
      this.clock = clock;
    }

    @Override
    public Integer call() {
      // As 'build --out' and 'audit export --out': a file in the way is the argument's fault.
      if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
        spec.commandLine().getErr().println("lethe: --out " + out + ": already exists; the key is only written to a new file");
        return Lethe.BAD_INPUT;
      }
      store.requireStore();
      try {
        String keyId = LedgerStore.exportDeploymentKey(store.config(clock), out);
        PrintWriter w = spec.commandLine().getOut();
        w.println("wrote the deployment key to " + out + " (key id " + keyId + "; keep the file as secret as the store)");
        w.flush();
        return CommandLine.ExitCode.OK;
      } catch (StoreException e) {
        spec.commandLine().getErr().println("lethe: " + e.getMessage());
        return CommandLine.ExitCode.SOFTWARE;
      }
    }
  }
}
