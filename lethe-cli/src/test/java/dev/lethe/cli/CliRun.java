package dev.lethe.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import picocli.CommandLine;

/** Runs the {@code lethe} command in-process and captures what it prints. */
record CliRun(int status, String out, String err) {

  static CliRun run(String... args) {
    return runWithStdin("", args);
  }

  /** Runs with "now" fixed at {@code clock}'s instant. */
  static CliRun runAt(Clock clock, String... args) {
    return execute(Lethe.newCommandLine(clock), "", args);
  }

  static CliRun runWithStdin(String stdin, String... args) {
    return execute(Lethe.newCommandLine(), stdin.getBytes(StandardCharsets.UTF_8), args);
  }

  /** Runs with these bytes on standard input, which need not be UTF-8. */
  static CliRun runWithStdinBytes(byte[] stdin, String... args) {
    return execute(Lethe.newCommandLine(), stdin, args);
  }

  private static CliRun execute(CommandLine cli, String stdin, String... args) {
    return execute(cli, stdin.getBytes(StandardCharsets.UTF_8), args);
  }

  private static synchronized CliRun execute(CommandLine cli, byte[] stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    InputStream saved = System.in;
    System.setIn(new ByteArrayInputStream(stdin));
    try {
      int status = cli.execute(args);
      return new CliRun(status, out.toString(), err.toString());
    } finally {
      System.setIn(saved);
    }
  }
}
