package dev.lethe.cli;

import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lethe export}: the whole stored ledger as JSON Lines on standard output. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    // One element per paragraph: picocli wraps each to the usage width. The first is the summary
    // 'lethe --help' lists.
    description = {
      "Prints the whole stored ledger as JSON Lines, in append order.",
      "",
      "Prints the whole stored ledger in the ledger format (JSON Lines), one event per line in append order,"
          + " each as it was appended (unknown fields included) or, for a member who asked for erasure, as purged:"
          + " free text is \"[erased]\", the name and unknown fields are gone."
    })
final class ExportCommand implements Callable<Integer> {

  @Mixin StoreOptions store;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Clock clock;

  ExportCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (LedgerStore ledger = store.open(clock)) {
      ledger.export(out);
      return CommandLine.ExitCode.OK;
    } catch (IOException e) {
      spec.commandLine().getErr().println("lethe: cannot write: " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    } catch (StoreException e) {
      spec.commandLine().getErr().println("lethe: " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    }
  }
}
