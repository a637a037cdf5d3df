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
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
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
            + " refused with exit status 2 and nothing changed or signed, as is a directory that cannot be written."
            + " The bundle is written to a hidden directory inside --out (.export-<random>) and its files are renamed"
            + " into place only when complete, after the earlier bundle's are moved aside (to .replaced-<random>,"
            + " then deleted); --out itself is kept, with its owner and permissions, so it may be a mount point."
            + " Such hidden directories left by an interrupted export are removed by the next one."
      })
  static final class Export extends StoreAction {
    @Option(names = "--out", required = true, paramLabel = "DIR",
        description = "Bundle directory: new, empty, or an earlier bundle of this deployment (replaced).")
    Path outDir;

    /** The names a bundle directory holds; anything else means --out is not (only) a bundle. */
    private static final Set<String> BUNDLE_FILES =
        Set.of("bundle.json", "leaves.jsonl", "leaf-hashes.txt", "consistency.jsonl", "key.vkey", "keys.jsonl");

    private static final String CHECKPOINTS = "checkpoints";

    /** Name prefix of the hidden directory in --out a bundle is written to before it is moved into place. */
    static final String STAGING = ".export-";

    /** Name prefix of the hidden directory in --out an earlier bundle is moved to before it is deleted. */
    static final String REPLACED = ".replaced-";

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
      // A bundle hands auditors the log's keys: keys this data directory's key files do not vouch
      // for may be anyone's (someone who can write only the database can record their own and
      // re-sign a rewritten log), and exporting them would make that log verify.
      List<String> unanchored = ledger.auditKeyProblems();
      if (!unanchored.isEmpty()) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("lethe: refusing to export the audit log: " + String.join("; ", unanchored));
        err.flush();
        return CommandLine.ExitCode.SOFTWARE;
      }
      Path target = Files.exists(outDir) ? outDir.toRealPath() : outDir.toAbsolutePath().normalize();
      String refusal = existingProblem(target, ledger.auditKey().name());
      if (refusal != null) {
        return refuse(refusal);
      }
      // Everything that can refuse happens before exportAuditBundle signs a checkpoint: --out is
      // created if missing and the staging directory made inside it, which is what a directory
      // that cannot be written (or a parent that cannot) fails at.
      Path created = firstMissing(target);
      Path staging = null;
      try {
        Files.createDirectories(target);
        staging = Files.createDirectory(target.resolve(STAGING + UUID.randomUUID()));
        removeLeftovers(target, staging);
      } catch (IOException e) {
        try {
          discard(staging, target, created);
        } catch (IOException ignored) {
          // a staging directory left behind is removed by the next export; the refusal is the news
        }
        return refuse("cannot be written (" + Lethe.describe(e) + ")");
      }
      SignedCheckpoint last;
      Path aside = target.resolve(REPLACED + UUID.randomUUID());
      try {
        last = ledger.exportAuditBundle(staging);
        install(staging, target, aside);
      } catch (IOException | RuntimeException e) {
        try {
          discard(staging, target, created);
        } catch (IOException cleanup) {
          e.addSuppressed(cleanup);
        }
        throw e;
      }
      PrintWriter err = spec.commandLine().getErr();
      // The new bundle is in place: leftovers only cost space, and the next export removes them.
      for (Path done : List.of(staging, aside)) {
        try {
          deleteTree(done);
        } catch (IOException e) {
          err.println("lethe: warning: the bundle is complete, but " + done + " could not be removed ("
              + Lethe.describe(e) + "); the next export removes it, or delete it yourself");
        }
      }
      err.flush();
      out.println("wrote " + outDir + ": " + last.checkpoint().size() + " leaves, " + last.number() + " checkpoints");
      return CommandLine.ExitCode.OK;
    }

    private int refuse(String why) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("lethe: --out " + outDir + ": " + why + "; nothing was written");
      err.flush();
      return Lethe.BAD_INPUT;
    }

    /** The outermost of {@code dir} and its ancestors that does not exist yet, or null if {@code dir} exists. */
    private static Path firstMissing(Path dir) {
      Path missing = null;
      for (Path p = dir; p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
        missing = p;
      }
      return missing;
    }

    /**
     * Undoes what a failed export wrote: the staging directory, and the directories made for
     * --out (from {@code target} up to {@code created}) if they are still empty.
     */
    private static void discard(Path staging, Path target, Path created) throws IOException {
      if (staging != null) {
        deleteTree(staging);
      }
      if (created == null) {
        return;
      }
      for (Path p = target; p != null && p.startsWith(created); p = p.getParent()) {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) || !isEmptyDirectory(p)) {
          return;
        }
        Files.delete(p);
      }
    }

    /** Removes the staging and replaced directories an interrupted earlier export left in {@code dir}. */
    private static void removeLeftovers(Path dir, Path keep) throws IOException {
      List<Path> leftovers;
      try (Stream<Path> entries = Files.list(dir)) {
        leftovers = entries.filter(p -> isLeftover(p.getFileName().toString()) && !p.equals(keep)).toList();
      }
      for (Path p : leftovers) {
        deleteTree(p);
      }
    }

    /** Whether an entry of --out is one an export makes there for a while (and may leave if interrupted). */
    static boolean isLeftover(String name) {
      return name.startsWith(STAGING) || name.startsWith(REPLACED);
    }

    /**
     * Why {@code dir} may not be replaced by a bundle of the log named {@code origin}, or null if
     * it is missing, empty, or holds only a bundle of that log; an interrupted export's leftovers
     * are not counted, and the bundle.json of one of them vouches for files it left without one.
     */
    static String existingProblem(Path dir, String origin) throws IOException {
      if (!Files.isDirectory(dir)) {
        return null;
      }
      List<String> all = entries(dir);
      List<String> names = all.stream().filter(n -> !isLeftover(n)).toList();
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
      if (bundleOrigin == null && !names.contains("bundle.json")) {
        // An export interrupted while moving entries (bundle.json goes aside first and comes in
        // last) leaves the others without it; the one it moved aside or staged says whose they are.
        for (String leftover : all.stream().filter(Export::isLeftover).toList()) {
          String leftOrigin = bundleOrigin(dir.resolve(leftover).resolve("bundle.json"));
          if (leftOrigin != null && (bundleOrigin == null || leftOrigin.equals(origin))) {
            bundleOrigin = leftOrigin;
          }
        }
      }
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
     * Puts the complete bundle from {@code staging} into {@code target} by renames within
     * {@code target} only (so a mount point, or a directory whose parent cannot be written, works):
     * the earlier bundle's entries are moved into {@code aside} first, bundle.json first, then the
     * new entries into place, bundle.json last, so a reader that finds bundle.json finds the
     * others of its bundle. If a rename fails, the new entries go back to staging and the earlier
     * ones back into place, and the first failure is thrown (failures undoing it suppressed in it).
     */
    private static void install(Path staging, Path target, Path aside) throws IOException {
      List<String> earlier = entries(target).stream().filter(n -> !isLeftover(n)).toList();
      List<String> fresh = entries(staging);
      List<String> movedAside = new ArrayList<>();
      List<String> installed = new ArrayList<>();
      try {
        if (!earlier.isEmpty()) {
          Files.createDirectory(aside);
          for (String name : manifestFirst(earlier)) {
            Files.move(target.resolve(name), aside.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            movedAside.add(name);
          }
        }
        for (String name : reversed(manifestFirst(fresh))) {
          Files.move(staging.resolve(name), target.resolve(name), StandardCopyOption.ATOMIC_MOVE);
          installed.add(name);
        }
      } catch (IOException e) {
        for (String name : reversed(installed)) {
          try {
            Files.move(target.resolve(name), staging.resolve(name), StandardCopyOption.ATOMIC_MOVE);
          } catch (IOException undo) {
            e.addSuppressed(undo);
          }
        }
        for (String name : reversed(movedAside)) {
          try {
            Files.move(aside.resolve(name), target.resolve(name), StandardCopyOption.ATOMIC_MOVE);
          } catch (IOException undo) {
            e.addSuppressed(undo);
          }
        }
        throw e;
      }
    }

    private static List<String> reversed(List<String> names) {
      List<String> copy = new ArrayList<>(names);
      Collections.reverse(copy);
      return copy;
    }

    private static List<String> entries(Path dir) throws IOException {
      try (Stream<Path> entries = Files.list(dir)) {
        return entries.map(p -> p.getFileName().toString()).sorted().toList();
      }
    }

    /** The names with bundle.json first: the first to go aside, the last to come in. */
    private static List<String> manifestFirst(List<String> names) {
      List<String> ordered = new ArrayList<>(names);
      ordered.sort(Comparator.comparing((String n) -> !n.equals("bundle.json")).thenComparing(Comparator.naturalOrder()));
      return ordered;
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
      PrintWriter err = spec.commandLine().getErr();
      report.notes().forEach(n -> err.println("note: " + n));
      if (report.ok()) {
        err.flush();
        out.println("ok: " + report.leaves() + " leaves, " + report.checkpoints() + " checkpoints");
        return CommandLine.ExitCode.OK;
      }
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
