package dev.lethe.cli;

import dev.lethe.cli.demo.DemoRun;
import dev.lethe.pipeline.DurableFiles;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lethe demo}: the 2024 story end to end on the embedded store, and the regulator's report. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    // One element per paragraph: picocli wraps each to the usage width. The first is the summary
    // 'lethe --help' lists.
    description = {
      "Runs the whole system on a synthetic professional network in a fresh directory.",
      "",
      "It generates members, the"
          + " 2024 policy story and content with personal data; imports the ledger; builds snapshots at three dates;"
          + " trains the reference model; turns erasures, retroactive withdrawals and region blocks into forget"
          + " requests, executes and verifies them; writes the compliance report (HTML and JSON) and an audit bundle"
          + " for the independent verifier."
    })
final class DemoCommand implements Callable<Integer> {

  /** Marks a directory as the demo's own, so a rerun may replace it. */
  static final String MARKER = ".lethe-demo";

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "demo-out", description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--members", paramLabel = "N", defaultValue = "20000", description = "Members to generate (default: ${DEFAULT-VALUE}).")
  int members;

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: available processors).")
  Integer threads;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "2024", description = "Seed of the synthetic platform.")
  long seed;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (members < 100) {
      err.println("--members: at least 100");
      return Lethe.BAD_INPUT;
    }
    if (Files.exists(out)) {
      if (!Files.exists(out.resolve(MARKER))) {
        try (var entries = Files.list(out)) {
          if (entries.findAny().isPresent()) {
            err.println("--out: " + out + " exists and is not a previous demo; choose another directory");
            return Lethe.BAD_INPUT;
          }
        }
      }
      DurableFiles.deleteTree(out);
    }
    Files.createDirectories(out);
    Files.writeString(out.resolve(MARKER), "created by lethe demo; safe to delete\n");
    int workers = threads == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, threads);
    PrintWriter w = spec.commandLine().getOut();
    DemoRun.Result result = new DemoRun(out.toAbsolutePath(), members, seed, workers, w).run();
    w.println();
    w.println("Done in " + result.seconds() + " s. Where everything is:");
    w.println("  report:        " + result.reportHtml() + "  (and " + result.reportJson().getFileName() + ")");
    w.println("  data store:    " + result.data() + "  (H2; ledger, audit log, keys)");
    w.println("  snapshots:     " + result.data().resolve("snapshots"));
    w.println("  models:        " + result.data().resolve("models"));
    w.println("  audit bundle:  " + result.bundle());
    w.println("Check the audit log independently:");
    w.println("  java -jar lethe-verify/target/lethe-verify.jar " + result.bundle());
    w.println("Browse it (member, admin and auditor pages):");
    w.println("  ./lethe serve --data " + result.data() + "    then ./lethe token --data " + result.data() + " --role auditor");
    w.flush();
    return result.allChecksPassed() ? CommandLine.ExitCode.OK : 1;
  }
}
