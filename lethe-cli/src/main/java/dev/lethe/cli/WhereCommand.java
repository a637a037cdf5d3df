package dev.lethe.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.pipeline.LineageIndex;
import dev.lethe.pipeline.SnapshotRoots;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreException;
import dev.lethe.unlearn.ModelRecord;
import dev.lethe.unlearn.ModelRegistry;
import dev.lethe.unlearn.forget.ForgetQueue;
import dev.lethe.unlearn.forget.ForgetRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lethe where --member M}: which snapshots and shards hold a member's data, in every
 * snapshot directory a build published into (or in the one {@code --out} names).
 */
@Command(
    name = "where",
    mixinStandardHelpOptions = true,
    // One element per paragraph: picocli wraps each to the usage width. The first is the summary
    // 'lethe --help' lists.
    description = {
      "Prints, as JSON, the snapshots, shards and models holding a member's data, and the member's forget requests.",
      "",
      "Looks in every snapshot directory a build published into; exit status 1 if one of them is missing or"
          + " unreadable, or lacks a snapshot the store recorded a build publishing there (listed in"
          + " missing_snapshots)."
    })
final class WhereCommand implements Callable<Integer> {

  @Option(names = "--member", required = true, paramLabel = "M", description = "Member id.")
  String member;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Only this snapshot directory (default: every directory a build published into, and DATA/snapshots).")
  Path out;

  @Mixin StoreOptions store;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Clock clock;

  WhereCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws IOException {
    if (out != null && !SnapshotDirs.reachable(out)) {
      // Answering "in no snapshot" for a mistyped directory would be a false all-clear.
      spec.commandLine().getErr().println("lethe: --out " + out + ": not a readable directory");
      return Lethe.BAD_INPUT;
    }
    OptionalInt number;
    SnapshotRoots.Coverage coverage;
    try (LedgerStore ledger = store.open(clock)) {
      number = ledger.memberNumber(member);
      coverage = SnapshotDirs.check(ledger, out != null ? List.of(SnapshotDirs.canonical(out)) : SnapshotDirs.roots(ledger, store));
    } catch (StoreException e) {
      spec.commandLine().getErr().println("lethe: " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    }
    if (number.isEmpty()) {
      spec.commandLine().getErr().println("lethe: member \"" + member + "\" is not in the ledger");
      return Lethe.BAD_INPUT;
    }
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("member", member);
    ArrayNode snapshots = o.putArray("snapshots");
    ArrayNode models = o.putArray("models");
    List<String> modelIds = new ArrayList<>();
    ModelRegistry registry = ModelRegistry.open(ModelDirs.defaultDir(store));
    for (Path root : coverage.roots()) {
      // A registered root that is gone is a gap in the answer (an explicit --out was checked above).
      if (coverage.unreachable().contains(root)) {
        continue;
      }
      // The root's lineage index answers without reading every bitmap, and only while every
      // file it was built from is unchanged (see LineageIndex).
      // Another deployment's bitmaps number other members: its "hits" are not this member.
      Set<String> foreign = coverage.foreignIn(root);
      try (LineageIndex index = SnapshotDirs.lineage(root, coverage)) {
        for (LineageIndex.Hit hit : index.where(number.getAsInt())) {
          if (foreign.contains(hit.snapshot().snapshot())) {
            continue;
          }
          ObjectNode s = snapshots.addObject();
          s.put("snapshot", hit.snapshot().snapshot());
          s.put("purpose", hit.snapshot().purpose());
          s.put("as_of", Rfc3339.format(hit.snapshot().asOf()));
          s.put("root", root.toString());
          s.putArray("shards").add(hit.shard());
          for (ModelRecord model : registry.containingShard(hit.snapshot().snapshot(), hit.shard())) {
            if (!modelIds.contains(model.id())) {
              modelIds.add(model.id());
              models.addObject().put("model", model.id()).put("snapshot", model.snapshot()).put("origin", model.origin().word());
            }
          }
        }
      }
    }
    ArrayNode requests = o.putArray("forget_requests");
    for (ForgetRequest r : ForgetQueue.open(Forgetting.queueDir(store)).list()) {
      if (r.member().equals(member)) {
        requests.addObject().put("id", r.id()).put("reason", r.reason().word()).put("status", r.status().word())
            .put("received", Rfc3339.format(r.receivedAt())).put("deadline", Rfc3339.format(r.deadline()));
      }
    }
    if (!coverage.unreachable().isEmpty()) {
      ArrayNode gaps = o.putArray("unreachable_roots");
      coverage.unreachable().forEach(root -> gaps.add(root.toString()));
    }
    if (!coverage.missing().isEmpty()) {
      ArrayNode gaps = o.putArray("missing_snapshots");
      coverage.missing().forEach(m -> gaps.addObject().put("snapshot", m.snapshot()).put("root", m.root().toString())
          .put("problem", m.problem()));
    }
    if (!coverage.foreign().isEmpty()) {
      ArrayNode skipped = o.putArray("other_deployment_snapshots");
      coverage.foreign().forEach(f -> skipped.addObject().put("snapshot", f.snapshot()).put("root", f.root().toString())
          .put("deployment", f.deployment()));
    }
    PrintWriter w = spec.commandLine().getOut();
    w.println(o);
    w.flush();
    SnapshotDirs.reportGaps(coverage, spec.commandLine().getErr(), "the answer does not cover it");
    return coverage.complete() ? CommandLine.ExitCode.OK : CommandLine.ExitCode.SOFTWARE;
  }
}
