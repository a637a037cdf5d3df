package dev.lethe.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.pipeline.LineageIndex;
import dev.lethe.pipeline.ManifestReads;
import dev.lethe.pipeline.SnapshotRoots;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.RecordedSnapshot;
import dev.lethe.store.StoreException;
import dev.lethe.unlearn.ModelRecord;
import dev.lethe.unlearn.ModelRegistry;
import dev.lethe.unlearn.forget.Retirements;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lethe snapshots}: the published snapshots with their counts, one JSON line each, over
 * every snapshot directory a build published into; also edits that registry of directories and
 * retires snapshots on purpose.
 */
@Command(
    name = "snapshots",
    mixinStandardHelpOptions = true,
    // One element per paragraph: picocli wraps each to the usage width. The first is the summary
    // 'lethe --help' lists.
    description = {
      "Lists published snapshots (by as-of instant) with their counts, one JSON line each.",
      "",
      "Each line says whether the snapshot is in use (\"status\":\"in-use\") or was replaced by forgetting"
          + " (\"status\":\"replaced\", with \"replaced\": when, by which rebuild, whether its shard files were"
          + " deleted, and under which forget requests); a replaced snapshot keeps its manifest as history, so its"
          + " included and excluded counts are those it was built with, while its shards and members count what is"
          + " left (0 once forgetting deleted its files).",
      "",
      "Without --out, lists every snapshot directory a build published into (each build registers its --out in"
          + " the store, and records each snapshot it publishes there) and DATA/snapshots; exit status 1 if one of"
          + " them is missing or unreadable, or lacks a snapshot a build recorded publishing there (an unmounted"
          + " volume's empty mount point, a partial restore, a snapshot deleted by hand).",
      "",
      "--register DIR adds a directory published into by hand or by an older lethe, and records the snapshots it"
          + " holds; --unregister DIR removes one that was deleted on purpose (refused while it still holds a"
          + " published snapshot), with its records.",
      "",
      "--retire ID retires a snapshot on purpose: deletes its directory (renamed to a hidden name first, so no"
          + " reader sees half of it) in every snapshot directory holding or recording it (or only in --out),"
          + " removes the store's record and appends a snapshot.retire leaf to the audit log; prints one JSON line"
          + " per directory. Refused (exit 2) for an id no directory holds or records, while a model trained from"
          + " the snapshot still holds shard artefacts, or while a snapshot rebuilt from it exists."
    })
final class SnapshotsCommand implements Callable<Integer> {

  @Option(names = "--out", paramLabel = "DIR", description = "Only this snapshot directory.")
  Path out;

  @Option(names = "--register", paramLabel = "DIR", description = "Register a snapshot directory and record its snapshots, then list.")
  Path register;

  @Option(names = "--unregister", paramLabel = "DIR", description = "Unregister a snapshot directory that holds no published snapshot, then list.")
  Path unregister;

  @Option(names = "--retire", paramLabel = "ID",
      description = "Retire the snapshot with this id: delete it, drop its record, audit it (see above).")
  String retire;

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
    if (retire != null && (register != null || unregister != null)) {
      err.println("lethe: --retire cannot be combined with --register or --unregister");
      return Lethe.BAD_INPUT;
    }
    if (retire != null && !SnapshotRoots.isSnapshotId(retire)) {
      err.println("lethe: --retire: not a snapshot id: " + retire);
      return Lethe.BAD_INPUT;
    }
    SnapshotRoots.Coverage coverage;
    // The records' check and the replacements read the same manifests: each is parsed once.
    ManifestReads manifests = new ManifestReads();
    try (LedgerStore ledger = store.open(Clock.systemUTC())) {
      if (retire != null) {
        return retire(ledger);
      }
      if (register != null) {
        if (!SnapshotDirs.reachable(register)) {
          err.println("--register: not a readable directory: " + register);
          return Lethe.BAD_INPUT;
        }
        SnapshotDirs.register(ledger, register);
        // From now on a snapshot that disappears from it is a gap, as for one a build published.
        SnapshotRoots.recordPublished(ledger, register, id -> true);
      }
      if (unregister != null) {
        Path root = SnapshotDirs.canonical(unregister);
        if (SnapshotDirs.reachable(root) && holdsSnapshots(root)) {
          err.println("--unregister: " + root + " still holds published snapshots; forgetting must keep covering it");
          return Lethe.BAD_INPUT;
        }
        if (!ledger.unregisterSnapshotRoot(root)) {
          err.println("--unregister: " + root + " is not a registered snapshot directory");
          return Lethe.BAD_INPUT;
        }
      }
      coverage = SnapshotDirs.check(ledger, out != null ? List.of(SnapshotDirs.canonical(out)) : SnapshotDirs.roots(ledger, store),
          manifests);
    } catch (StoreException e) {
      err.println("lethe: " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    }
    PrintWriter w = spec.commandLine().getOut();
    Retirements retirements = Retired.read(coverage.reachable(), ModelRegistry.open(ModelDirs.defaultDir(store)), store, manifests);
    for (Path root : coverage.reachable()) {
      Set<String> foreign = coverage.foreignIn(root); // another deployment's: named on stderr below
      try (LineageIndex index = SnapshotDirs.lineage(root, coverage)) {
        for (LineageIndex.Snapshot e : index.snapshots()) {
          if (foreign.contains(e.snapshot())) {
            continue;
          }
          ObjectNode o = JsonNodeFactory.instance.objectNode();
          o.put("snapshot", e.snapshot());
          o.put("purpose", e.purpose());
          o.put("as_of", Rfc3339.format(e.asOf()));
          o.put("policy_version", e.policyVersion());
          o.put("included", e.included());
          o.put("excluded", e.excluded());
          o.put("shards", e.shards());
          o.put("members", e.members());
          o.put("directory", e.directory().toString());
          o.put("root", root.toString());
          retirements.putStatus(o, root, e.snapshot());
          w.println(o);
        }
      }
    }
    w.flush();
    // A registered root that is gone, or a recorded snapshot a root lacks, is a gap in the list.
    SnapshotDirs.reportGaps(coverage, err, "the list does not cover it");
    return coverage.complete() ? CommandLine.ExitCode.OK : CommandLine.ExitCode.SOFTWARE;
  }

  private static boolean holdsSnapshots(Path root) throws IOException {
    try (LineageIndex index = LineageIndex.openReadOnly(root)) {
      return !index.snapshots().isEmpty();
    }
  }

  /** {@code --retire}: every root holding or recording the snapshot (or only {@code --out}). */
  private int retire(LedgerStore ledger) throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    Set<Path> roots = new TreeSet<>(out != null ? List.of(SnapshotDirs.canonical(out)) : SnapshotDirs.roots(ledger, store));
    Set<Path> recordedIn = new TreeSet<>();
    for (RecordedSnapshot r : ledger.recordedSnapshots()) {
      if (r.snapshot().equals(retire)) {
        recordedIn.add(SnapshotDirs.canonical(r.root()));
      }
    }
    List<Path> targets = new ArrayList<>();
    for (Path root : roots) {
      if (recordedIn.contains(root) || Files.exists(root.resolve(retire), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        targets.add(root);
      }
    }
    if (targets.isEmpty()) {
      err.println("lethe: --retire: no snapshot directory " + (out != null ? out + " " : "") + "holds or records a snapshot " + retire);
      return Lethe.BAD_INPUT;
    }
    // Forgetting finds a model through its snapshot: retiring the snapshot while a model still
    // holds what was trained on it would let forgetting pass that model by.
    ModelRegistry registry = ModelRegistry.open(ModelDirs.defaultDir(store));
    List<String> holding = new ArrayList<>();
    for (ModelRecord m : registry.trainedFrom(retire)) {
      if (m.shards().stream().anyMatch(s -> Files.exists(m.directory().resolve(s.file())))) {
        holding.add(m.id());
      }
    }
    if (!holding.isEmpty()) {
      err.println("lethe: --retire: model(s) " + String.join(", ", holding) + " trained from snapshot " + retire
          + " still hold shard artefacts, which forgetting could no longer reach; it is not retired");
      return Lethe.BAD_INPUT;
    }
    for (Path root : targets) {
      Set<String> rebuilds = SnapshotDirs.reachable(root) ? SnapshotRoots.rebuildsOf(root, retire) : Set.of();
      if (!rebuilds.isEmpty()) {
        err.println("lethe: --retire: snapshot(s) " + String.join(", ", rebuilds) + " in " + root + " rebuild snapshot " + retire
            + ", and forgetting reads its manifest to rebuild them again; it is not retired");
        return Lethe.BAD_INPUT;
      }
    }
    PrintWriter w = spec.commandLine().getOut();
    for (Path root : targets) {
      SnapshotRoots.Retirement r = SnapshotRoots.retire(ledger, root, retire);
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("retired", retire);
      o.put("root", root.toString());
      o.put("deleted", r.deleted());
      o.put("recorded", r.recorded());
      o.put("audit_leaf", r.auditLeaf());
      w.println(o);
    }
    w.flush();
    return CommandLine.ExitCode.OK;
  }
}
