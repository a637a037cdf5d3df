package dev.lethe.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.pipeline.SnapshotCatalog;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lethe snapshots}: the published snapshots with their counts, one JSON line each. */
@Command(
    name = "snapshots",
    mixinStandardHelpOptions = true,
    description = "Lists published snapshots (by as-of instant) with their counts, one JSON line each.")
final class SnapshotsCommand implements Callable<Integer> {

  @Option(names = "--out", paramLabel = "DIR", description = "Snapshot directory (default: DATA/snapshots).")
  Path out;

  @Mixin StoreOptions store;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    SnapshotCatalog catalog = SnapshotCatalog.open(out != null ? out : SnapshotDirs.defaultDir(store));
    PrintWriter w = spec.commandLine().getOut();
    for (SnapshotCatalog.Entry e : catalog.snapshots()) {
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
      w.println(o);
    }
    w.flush();
    return CommandLine.ExitCode.OK;
  }
}
