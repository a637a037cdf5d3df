package dev.lethe.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.pipeline.SnapshotCatalog;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lethe snapshots}: the published snapshots with their counts, one JSON line each, over
 * every snapshot directory a build published into; also edits that registry of directories.
 */
@Command(
    name = "snapshots",
    mixinStandardHelpOptions = true,
    description = {
      "Lists published snapshots (by as-of instant) with their counts, one JSON line each.",
      "Without --out, lists every snapshot directory a build published into (each build registers its",
      "--out in the store) and DATA/snapshots; exit status 1 if one of them is missing or unreadable.",
      "--register DIR adds a directory published into by hand or by an older lethe; --unregister DIR",
      "removes one that was deleted on purpose (refused while it still holds a published snapshot)."
    })
final class SnapshotsCommand implements Callable<Integer> {

  @Option(names = "--out", paramLabel = "DIR", description = "Only this snapshot directory.")
  Path out;

  @Option(names = "--register", paramLabel = "DIR", description = "Register a snapshot directory, then list.")
  Path register;

  @Option(names = "--unregister", paramLabel = "DIR", description = "Unregister a snapshot directory that holds no published snapshot, then list.")
  Path unregister;

  @Mixin StoreOptions store;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    if (out != null && !SnapshotDirs.reachable(out)) {
      // An empty list for a mistyped directory would read as "no snapshots there".
      err.println("lethe: --out " + out + ": not a readable directory");
      return Lethe.BAD_INPUT;
    }
    List<Path> roots;
    if (out != null && register == null && unregister == null) {
      roots = List.of(SnapshotDirs.canonical(out));
    } else {
      try (LedgerStore ledger = store.open(Clock.systemUTC())) {
        if (register != null) {
          if (!SnapshotDirs.reachable(register)) {
            err.println("--register: not a readable directory: " + register);
            return Lethe.BAD_INPUT;
          }
          SnapshotDirs.register(ledger, register);
        }
        if (unregister != null) {
          Path root = SnapshotDirs.canonical(unregister);
          if (SnapshotDirs.reachable(root) && !SnapshotCatalog.open(root).snapshots().isEmpty()) {
            err.println("--unregister: " + root + " still holds published snapshots; forgetting must keep covering it");
            return Lethe.BAD_INPUT;
          }
          if (!ledger.unregisterSnapshotRoot(root)) {
            err.println("--unregister: " + root + " is not a registered snapshot directory");
            return Lethe.BAD_INPUT;
          }
        }
        roots = out != null ? List.of(SnapshotDirs.canonical(out)) : SnapshotDirs.roots(ledger, store);
      } catch (StoreException e) {
        err.println("lethe: " + e.getMessage());
        return CommandLine.ExitCode.SOFTWARE;
      }
    }
    PrintWriter w = spec.commandLine().getOut();
    List<Path> unreachable = new ArrayList<>();
    for (Path root : roots) {
      // A registered root that is gone is a gap in the list (an explicit --out was checked above).
      if (!SnapshotDirs.reachable(root)) {
        unreachable.add(root);
        continue;
      }
      for (SnapshotCatalog.Entry e : SnapshotCatalog.open(root).snapshots()) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("snapshot", e.snapshot());
        o.put("purpose", e.purpose());
        o.put("as_of", Rfc3339.format(e.asOf()));
        o.put("policy_version", e.policyVersion());
        o.put("included", e.included());
        o.put("excluded", e.excluded());
        o.put("shards", e.shards().size());
        o.put("members", e.union().getLongCardinality());
        o.put("directory", e.directory().toString());
        o.put("root", root.toString());
        w.println(o);
      }
    }
    w.flush();
    for (Path root : unreachable) {
      err.println("lethe: snapshot root " + root + " is missing or unreadable; the list does not cover it");
    }
    return unreachable.isEmpty() ? CommandLine.ExitCode.OK : CommandLine.ExitCode.SOFTWARE;
  }
}
