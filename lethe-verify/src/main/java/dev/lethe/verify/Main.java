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
        command.since());
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
}
