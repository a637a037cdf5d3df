package dev.lethe.cli;

import dev.lethe.redact.DetectionContext;
import dev.lethe.redact.Detector;
import dev.lethe.redact.Redaction;
import dev.lethe.redact.RedactionPolicy;
import dev.lethe.redact.Redactor;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lethe redact [--country CC] < text}: the redacted text, for a quick look. */
@Command(
    name = "redact",
    mixinStandardHelpOptions = true,
    description = {
      "Reads text from standard input and prints it redacted: typed placeholders such as",
      "[EMAIL_ADDRESS], and keyed pseudonyms such as [PERSON_7f3a9c] for people. Without",
      "--secret-hex a random secret is used, so pseudonyms differ from run to run.",
      "Counts per type go to standard error."
    })
final class RedactCommand implements Callable<Integer> {

  @Option(names = "--country", paramLabel = "CC", description = "The writer's country (ISO 3166 alpha-2).")
  String country;

  @Option(names = "--secret-hex", paramLabel = "HEX", description = "Pseudonym secret, at least 16 bytes in hex.")
  String secretHex;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    byte[] secret;
    if (secretHex != null) {
      try {
        secret = HexFormat.of().parseHex(secretHex);
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("--secret-hex: not hex: " + e.getMessage());
        return Lethe.BAD_INPUT;
      }
      if (secret.length < 16) {
        spec.commandLine().getErr().println("--secret-hex: need at least 16 bytes");
        return Lethe.BAD_INPUT;
      }
    } else {
      secret = new byte[32];
      new SecureRandom().nextBytes(secret);
    }
    Reader in = new InputStreamReader(System.in, StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE));
    StringBuilder text = new StringBuilder();
    char[] buf = new char[8192];
    for (int n; (n = in.read(buf)) > 0; ) {
      text.append(buf, 0, n);
    }
    Redactor redactor = Redactor.create(Detector.standard(), RedactionPolicy.pseudonymousPeople(), secret);
    Redaction r = redactor.redact(text.toString(), DetectionContext.ofCountry(country));
    PrintWriter out = spec.commandLine().getOut();
    out.print(r.text());
    out.flush();
    spec.commandLine().getErr().println(r.counts());
    return CommandLine.ExitCode.OK;
  }
}
