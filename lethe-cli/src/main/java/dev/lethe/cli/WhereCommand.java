package dev.lethe.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.Rfc3339;
import dev.lethe.pipeline.SnapshotCatalog;
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
    description = {
      "Prints, as JSON, the snapshots, shards and models holding a member's data, and the member's forget requests.",
      "Looks in every snapshot directory a build published into; exit status 1 if one of them is missing or unreadable."
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
    List<Path> roots;
    try (LedgerStore ledger = store.open(clock)) {
      number = ledger.memberNumber(member);
      roots = out != null ? List.of(SnapshotDirs.canonical(out)) : SnapshotDirs.roots(ledger, store);
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
    List<Path> unreachable = new ArrayList<>();
    for (Path root : roots) {
      // An explicit --out that does not exist holds nothing; a registered root that is gone is a gap in the answer.
      if (out == null && !SnapshotDirs.reachable(root)) {
        unreachable.add(root);
        continue;
      }
      SnapshotCatalog catalog = SnapshotCatalog.open(root);
      for (SnapshotCatalog.Hit hit : catalog.where(number.getAsInt())) {
        ObjectNode s = snapshots.addObject();
        s.put("snapshot", hit.snapshot().snapshot());
        s.put("purpose", hit.snapshot().purpose());
        s.put("as_of", Rfc3339.format(hit.snapshot().asOf()));
        s.put("root", root.toString());
        ArrayNode shards = s.putArray("shards");
        hit.shards().forEach(shards::add);
      }
      for (ModelRecord model : registry.containingMember(catalog, number.getAsInt())) {
        if (!modelIds.contains(model.id())) {
          modelIds.add(model.id());
          models.addObject().put("model", model.id()).put("snapshot", model.snapshot()).put("origin", model.origin().word());
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
    if (!unreachable.isEmpty()) {
      ArrayNode gaps = o.putArray("unreachable_roots");
      unreachable.forEach(root -> gaps.add(root.toString()));
    }
    PrintWriter w = spec.commandLine().getOut();
    w.println(o);
    w.flush();
    for (Path root : unreachable) {
      spec.commandLine().getErr().println("lethe: snapshot root " + root + " is missing or unreadable; the answer does not cover it");
    }
    return unreachable.isEmpty() ? CommandLine.ExitCode.OK : CommandLine.ExitCode.SOFTWARE;
  }
}
