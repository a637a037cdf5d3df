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
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lethe where --member M}: which snapshots and shards hold a member's data. */
@Command(
    name = "where",
    mixinStandardHelpOptions = true,
    description = "Prints, as JSON, the snapshots, shards and models holding a member's data, and the member's forget requests.")
final class WhereCommand implements Callable<Integer> {

  @Option(names = "--member", required = true, paramLabel = "M", description = "Member id.")
  String member;

  @Option(names = "--out", paramLabel = "DIR", description = "Snapshot directory (default: DATA/snapshots).")
  Path out;

  @Mixin StoreOptions store;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Clock clock;

  WhereCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws IOException {
    OptionalInt number;
    try (LedgerStore ledger = store.open(clock)) {
      number = ledger.memberNumber(member);
    } catch (StoreException e) {
      spec.commandLine().getErr().println("lethe: " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    }
    if (number.isEmpty()) {
      spec.commandLine().getErr().println("lethe: member \"" + member + "\" is not in the ledger");
      return Lethe.BAD_INPUT;
    }
    SnapshotCatalog catalog = SnapshotCatalog.open(out != null ? out : SnapshotDirs.defaultDir(store));
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("member", member);
    ArrayNode snapshots = o.putArray("snapshots");
    for (SnapshotCatalog.Hit hit : catalog.where(number.getAsInt())) {
      ObjectNode s = snapshots.addObject();
      s.put("snapshot", hit.snapshot().snapshot());
      s.put("purpose", hit.snapshot().purpose());
      s.put("as_of", Rfc3339.format(hit.snapshot().asOf()));
      ArrayNode shards = s.putArray("shards");
      hit.shards().forEach(shards::add);
    }
    ArrayNode models = o.putArray("models");
    for (ModelRecord model : ModelRegistry.open(ModelDirs.defaultDir(store)).containingMember(catalog, number.getAsInt())) {
      models.addObject().put("model", model.id()).put("snapshot", model.snapshot()).put("origin", model.origin().word());
    }
    ArrayNode requests = o.putArray("forget_requests");
    for (ForgetRequest r : ForgetQueue.open(Forgetting.queueDir(store)).list()) {
      if (r.member().equals(member)) {
        requests.addObject().put("id", r.id()).put("reason", r.reason().word()).put("status", r.status().word())
            .put("received", Rfc3339.format(r.receivedAt())).put("deadline", Rfc3339.format(r.deadline()));
      }
    }
    PrintWriter w = spec.commandLine().getOut();
    w.println(o);
    w.flush();
    return CommandLine.ExitCode.OK;
  }
}
