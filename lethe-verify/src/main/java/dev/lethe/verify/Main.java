package dev.lethe.verify;

import java.io.PrintStream;
import java.nio.file.Files;

/**
 * Entry point of {@code java -jar lethe-verify.jar BUNDLE_DIR [--key FILE] [--since NOTE] [--json]}.
 *
 * <p>Exit status: {@value #VERIFIED} when every check passes, {@value #FAILED} when any check fails
 * (the message names the file, leaf or checkpoint), {@value #USAGE} for usage errors.
 */
public final class Main {

  /** Exit status: the bundle verifies. */
  public static final int VERIFIED = 0;
  /** Exit status: at least one check failed. */
  public static final int FAILED = 1;
  /** Exit status: the command line was wrong. */
  public static final int USAGE = 2;

  private Main() {}

  /** Runs the verifier and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the verifier without exiting, for embedding and tests.
   *
   * @return the exit status
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine command;
    try {
      command = CommandLine.parse(args);
    } catch (CommandLine.UsageException e) {
      err.println("lethe-verify: " + e.getMessage());
      err.print(CommandLine.USAGE);
      return USAGE;
    }
    if (command.help()) {
      out.print(CommandLine.USAGE);
      return VERIFIED;
    }
    if (command.proof() != null && !Files.isRegularFile(command.proof())) {
      err.println("lethe-verify: proof " + command.proof() + " is not a file");
      return USAGE;
    }
    if (command.bundle() == null) {
      if (!Files.isRegularFile(command.pinnedKey()) || !Files.isRegularFile(command.since())) {
        err.println("lethe-verify: " + (Files.isRegularFile(command.pinnedKey()) ? "kept checkpoint " + command.since()
            : "key file " + command.pinnedKey()) + " is not a file");
        return USAGE;
      }
      return proofAgainstNote(command, out, err);
    }
    if (!Files.isDirectory(command.bundle())) {
      err.println("lethe-verify: " + command.bundle() + " is not a directory");
      return USAGE;
    }
    if (command.pinnedKey() != null && !Files.isRegularFile(command.pinnedKey())) {
      err.println("lethe-verify: key file " + command.pinnedKey() + " does not exist");
      return USAGE;
    }
    if (command.since() != null && !Files.isRegularFile(command.since())) {
      err.println("lethe-verify: kept checkpoint " + command.since() + " is not a file");
      return USAGE;
    }
    VerificationReport report = BundleVerifier.verify(command.bundle(), command.pinnedKey(),
        command.since(), command.proof());
    if (command.json()) {
      ReportPrinter.printJson(report, out);
    } else {
      ReportPrinter.printText(report, out);
    }
    if (report.verified()) {
      return VERIFIED;
    }
    err.println("lethe-verify: FAILED: " + report.failures().stream().findFirst()
        .map(CheckResult::detail).orElse("a check could not run"));
    return FAILED;
  }

  /**
   * An inclusion proof against a checkpoint kept earlier, without a bundle: the note must be signed
   * by the pinned key and sign the proof's tree size, and the proof must give the note's root.
   */
  private static int proofAgainstNote(CommandLine command, PrintStream out, PrintStream err) {
    CheckResult result;
    try {
      VerifierKey key = VerifierKey.parse(Files.readString(command.pinnedKey(), java.nio.charset.StandardCharsets.UTF_8));
      SignedNote note = SignedNote.parse(Files.readAllBytes(command.since()));
      Checkpoint cp = Checkpoint.parse(note.text());
      if (!cp.origin().equals(key.name())) {
        throw new VerificationFailure("kept checkpoint " + command.since() + " is of the log '" + cp.origin()
            + "', not of the key's '" + key.name() + "'");
      }
      try {
        note.requireSignedBy(key);
      } catch (VerificationFailure e) {
        throw new VerificationFailure("kept checkpoint " + command.since() + ": " + e.getMessage());
      }
      ProofCheck.Read read = ProofCheck.read(command.proof());
      boolean sameSize = read.proof() != null && read.proof().treeSize() == cp.size();
      result = ProofCheck.run(command.proof(), read, sameSize ? cp.root() : null,
          "the kept checkpoint " + command.since(),
          "the kept checkpoint " + command.since() + " signs tree size " + cp.size()
              + ": prove against that size (lethe audit prove --leaf N --size " + cp.size() + ")");
    } catch (java.io.IOException e) {
      result = CheckResult.fail(ProofCheck.CHECK, "cannot read " + e.getMessage());
    } catch (VerificationFailure e) {
      result = CheckResult.fail(ProofCheck.CHECK, e.getMessage());
    }
    if (result.status() == CheckResult.Status.PASS) {
      out.println("VERIFIED: " + result.detail());
      return VERIFIED;
    }
    out.println("FAILED: " + result.detail());
    err.println("lethe-verify: FAILED: " + result.detail());
    return FAILED;
  }
}
