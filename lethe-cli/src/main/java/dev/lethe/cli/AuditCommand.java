package dev.lethe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreException;
import dev.lethe.store.audit.AuditReport;
import dev.lethe.store.audit.InclusionProof;
import dev.lethe.store.audit.KeyRotation;
import dev.lethe.store.audit.SignedCheckpoint;
import dev.lethe.store.audit.SigningKeyFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lethe audit ...}: checkpoints, proofs, bundles, verification and key rotation of the audit log. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "The tamper-evident audit log: signed checkpoints, inclusion proofs, bundles for auditors.")
final class AuditCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The audit command with its subcommands, sharing one clock. */
  static CommandLine commandLine(Clock clock) {
    CommandLine audit = new CommandLine(new AuditCommand());
    audit.addSubcommand(new Checkpoint(clock));
    audit.addSubcommand(new Prove(clock));
    audit.addSubcommand(new Export(clock));
    audit.addSubcommand(new Verify(clock));
    audit.addSubcommand(new RotateKey(clock));
    return audit;
  }

  @Override
  public void run() {
    throw Lethe.missingSubcommand(spec);
  }

  /** Runs a store action, turning store failures into a clear message and status. */
  abstract static class StoreAction implements Callable<Integer> {
    @Mixin StoreOptions store;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    private final Clock clock;

    StoreAction(Clock clock) {
      this.clock = clock;
    }

    abstract int run(LedgerStore ledger, PrintWriter out) throws IOException;

    /** What is wrong with the arguments, checked before the store is opened; null if nothing. */
    String argumentProblem() {
      return null;
    }

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      String problem = argumentProblem();
      if (problem != null) {
        err.println("lethe: " + problem);
        return Lethe.BAD_INPUT;
      }
      try (LedgerStore ledger = store.open(clock)) {
        PrintWriter out = spec.commandLine().getOut();
        int status = run(ledger, out);
        out.flush();
        return status;
      } catch (IllegalArgumentException e) {
        err.println(e.getMessage());
        return Lethe.BAD_INPUT;
      } catch (IOException e) {
        err.println("lethe: cannot write: " + e.getMessage());
        return CommandLine.ExitCode.SOFTWARE;
      } catch (StoreException e) {
        err.println("lethe: " + e.getMessage());
        return CommandLine.ExitCode.SOFTWARE;
      }
    }
  }

  @Command(
      name = "checkpoint",
      mixinStandardHelpOptions = true,
      description = "Signs a checkpoint of the whole log (unless the latest covers every leaf) and prints it as a"
          + " C2SP signed note.")
  static final class Checkpoint extends StoreAction {
    Checkpoint(Clock clock) {
      super(clock);
    }

    @Override
    int run(LedgerStore ledger, PrintWriter out) {
      out.print(ledger.checkpoint().note());
      return CommandLine.ExitCode.OK;
    }
  }

  @Command(
      name = "prove",
      mixinStandardHelpOptions = true,
      description = "Prints the inclusion proof of a leaf as JSON (hashes in base64).")
  static final class Prove extends StoreAction {
    @Option(names = "--leaf", required = true, paramLabel = "N", description = "Leaf index (0-based).")
    long leaf;

    @Option(names = "--size", paramLabel = "M", description = "Tree size; default: the whole log.")
    Long size;

    Prove(Clock clock) {
      super(clock);
    }

    @Override
    int run(LedgerStore ledger, PrintWriter out) throws IOException {
      InclusionProof p = ledger.inclusionProof(leaf, size != null ? size : ledger.auditSize());
      Base64.Encoder b64 = Base64.getEncoder();
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("leaf_index", p.leafIndex());
      o.put("tree_size", p.treeSize());
      o.put("leaf_hash", b64.encodeToString(p.leafHash()));
      o.put("root", b64.encodeToString(p.root()));
      ArrayNode proof = o.putArray("proof");
      p.path().forEach(h -> proof.add(b64.encodeToString(h)));
      out.println(LedgerReader.mapper().writeValueAsString(o));
      return CommandLine.ExitCode.OK;
    }
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      // One element per paragraph: picocli wraps each to the usage width. The first is the summary
      // 'lethe audit --help' lists.
      description = {
        "Writes an audit bundle for the independent verifier.",
        "",
        "Writes an audit bundle (lethe-audit-bundle/1) for 'java -jar lethe-verify.jar DIR': leaves, leaf hashes,"
            + " signed checkpoints, consistency proofs and the public key; after a key rotation lethe-audit-bundle/2,"
            + " which adds keys.jsonl: every key and the first tree size it signs.",
        "",
        "--out must be a new or empty directory, or one holding only an earlier bundle of this deployment (the"
            + " same origin), which is replaced whole. Anything else (another deployment's bundle, other files) is"
            + " refused with exit status 2 and nothing changed. The bundle is written to a hidden directory beside"
            + " --out (.<name>.export-<random>) and renamed into place only when complete, so --out never holds"
            + " a mix of two bundles or a partial one."
      })
  static final class Export extends StoreAction {
    @Option(names = "--out", required = true, paramLabel = "DIR",
        description = "Bundle directory: new, empty, or an earlier bundle of this deployment (replaced).")
    Path outDir;

    /** The names a bundle directory holds; anything else means --out is not (only) a bundle. */
    private static final Set<String> BUNDLE_FILES =
        Set.of("bundle.json", "leaves.jsonl", "leaf-hashes.txt", "consistency.jsonl", "key.vkey", "keys.jsonl");

    private static final String CHECKPOINTS = "checkpoints";

    Export(Clock clock) {
      super(clock);
    }

    @Override
    String argumentProblem() {
      // As 'build --out' does: a file in the way is the argument's fault, said before anything is
      // written, rather than a write failing under it.
      String problem = BuildCommand.directoryProblem(outDir);
      return problem == null ? null : "--out " + outDir + ": " + problem;
    }

    @Override
    int run(LedgerStore ledger, PrintWriter out) throws IOException {
      Path target = Files.exists(outDir) ? outDir.toRealPath() : outDir.toAbsolutePath().normalize();
      String refusal = existingProblem(target, ledger.auditKey().name());
      if (refusal == null && target.getParent() == null) {
        refusal = "a file system root cannot be replaced by a bundle";
      }
      if (refusal != null) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("lethe: --out " + outDir + ": " + refusal + "; nothing was written");
        err.flush();
        return Lethe.BAD_INPUT;
      }
      Path parent = Files.createDirectories(target.getParent());
      String name = target.getFileName().toString();
      // Beside the target, so that the final rename stays on one file system and is atomic.
      Path staging = Files.createDirectory(parent.resolve("." + name + ".export-" + UUID.randomUUID()));
      try {
        SignedCheckpoint last = ledger.exportAuditBundle(staging);
        install(staging, target, parent.resolve("." + name + ".replaced-" + UUID.randomUUID()));
        out.println("wrote " + outDir + ": " + last.checkpoint().size() + " leaves, " + last.number() + " checkpoints");
        return CommandLine.ExitCode.OK;
      } finally {
        deleteTree(staging);
      }
    }

    /**
     * Why {@code dir} may not be replaced by a bundle of the log named {@code origin}, or null if
     * it is missing, empty, or holds only a bundle of that log.
     */
    static String existingProblem(Path dir, String origin) throws IOException {
      if (!Files.isDirectory(dir)) {
        return null;
      }
      List<String> names;
      try (Stream<Path> entries = Files.list(dir)) {
        names = entries.map(p -> p.getFileName().toString()).sorted().toList();
      }
      if (names.isEmpty()) {
        return null;
      }
      for (String entry : names) {
        Path path = dir.resolve(entry);
        boolean bundleFile = BUNDLE_FILES.contains(entry) && Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS);
        boolean checkpoints = entry.equals(CHECKPOINTS) && onlyNotes(path);
        if (!bundleFile && !checkpoints) {
          return "is not empty and holds " + entry + ", which is not part of an audit bundle; choose a new or empty"
              + " directory";
        }
      }
      String bundleOrigin = bundleOrigin(dir.resolve("bundle.json"));
      if (bundleOrigin == null) {
        return "is not empty and holds no readable bundle.json, so it is not known to be a bundle of this"
            + " deployment; choose a new or empty directory";
      }
      if (!bundleOrigin.equals(origin)) {
        return "holds the audit bundle of another deployment (origin " + bundleOrigin + ", this one is " + origin
            + "); choose a new or empty directory";
      }
      return null;
    }

    private static boolean onlyNotes(Path dir) throws IOException {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
      try (Stream<Path> entries = Files.list(dir)) {
        return entries.allMatch(p -> p.getFileName().toString().endsWith(".note")
            && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS));
      }
    }

    /** The {@code origin} a bundle.json names, or null if it is missing or not a bundle manifest. */
    private static String bundleOrigin(Path manifest) {
      try {
        JsonNode bundle = LedgerReader.mapper().readTree(Files.readString(manifest));
        JsonNode format = bundle == null ? null : bundle.get("format");
        JsonNode origin = bundle == null ? null : bundle.get("origin");
        if (format == null || !format.isTextual() || !format.textValue().startsWith("lethe-audit-bundle/")
            || origin == null || !origin.isTextual()) {
          return null;
        }
        return origin.textValue();
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }

    /**
     * Puts the complete bundle at {@code target} by renames only: a missing or empty target is
     * replaced in one rename; an earlier bundle is first moved aside to {@code aside} (and put back
     * if the second rename fails), then deleted.
     */
    private static void install(Path staging, Path target, Path aside) throws IOException {
      if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS) || isEmptyDirectory(target)) {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        return;
      }
      Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE);
        throw e;
      }
      deleteTree(aside);
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
      try (Stream<Path> entries = Files.list(dir)) {
        return entries.findAny().isEmpty();
      }
    }

    private static void deleteTree(Path dir) throws IOException {
      if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = "Checks the stored log against itself and the ledger; exit 1 and the problems if anything is off.")
  static final class Verify extends StoreAction {
    Verify(Clock clock) {
      super(clock);
    }

    @Override
    int run(LedgerStore ledger, PrintWriter out) {
      AuditReport report = ledger.verifyAudit();
      if (report.ok()) {
        out.println("ok: " + report.leaves() + " leaves, " + report.checkpoints() + " checkpoints");
        return CommandLine.ExitCode.OK;
      }
      PrintWriter err = spec.commandLine().getErr();
      report.problems().forEach(err::println);
      err.flush();
      return CommandLine.ExitCode.SOFTWARE;
    }
  }

  @Command(
      name = "rotate-key",
      mixinStandardHelpOptions = true,
      // One element per paragraph: picocli wraps each to the usage width. The first is the summary
      // 'lethe audit --help' lists.
      description = {
        "Replaces the audit signing key.",
        "",
        "Writes a new Ed25519 key pair under --data, records the rotation as an"
            + " audit leaf naming the old and the new verifier key, and signs the checkpoint up to that leaf with both"
            + " keys; later checkpoints are signed by the new key only. The old private key is deleted unless"
            + " --keep-retired. Publish the new verifier key to auditors.",
        "",
        "With the embedded store, stop 'lethe serve' first (it holds the data directory); a server on PostgreSQL"
            + " sharing --data signs with the new key from its next checkpoint, no restart. Other machines that sign"
            + " need the new " + SigningKeyFiles.ACTIVE + " copied to them."
      })
  static final class RotateKey extends StoreAction {
    @Option(
        names = "--keep-retired",
        description = "Keep the old key pair as retired/audit-signing-<key id>.key under --data (default: delete it;"
            + " after a suspected compromise, never keep it).")
    boolean keepRetired;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, recorded in the rotation leaf (one line).")
    String reason;

    RotateKey(Clock clock) {
      super(clock);
    }

    @Override
    int run(LedgerStore ledger, PrintWriter out) {
      KeyRotation r = ledger.rotateAuditKey(keepRetired, reason);
      out.println("rotated the audit signing key; the rotation is leaf " + r.leafIndex());
      out.println("retired key " + r.retired().number() + ": " + r.retired().key().verifierKey()
          + " (signed tree sizes below " + r.current().fromSize() + ")");
      out.println("current key " + r.current().number() + ": " + r.current().key().verifierKey()
          + " (signs from tree size " + r.current().fromSize() + ")");
      out.println("old private key: " + r.retiredKeyFile().map(p -> "kept in " + p).orElse("deleted"));
      out.println("checkpoint " + r.checkpoint().number() + ", signed by both keys:");
      out.print(r.checkpoint().note());
      return CommandLine.ExitCode.OK;
    }
  }
}
