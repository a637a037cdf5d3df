package dev.lethe.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs the {@code lethe} command in-process and captures what it prints. */
record CliRun(int status, String out, String err) {

  static CliRun run(String... args) {
    return runWithStdin("", args);
  }

  static synchronized CliRun runWithStdin(String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Lethe.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    InputStream saved = System.in;
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    try {
      int status = cli.execute(args);
      return new CliRun(status, out.toString(), err.toString());
    } finally {
      System.setIn(saved);
    }
  }
}
