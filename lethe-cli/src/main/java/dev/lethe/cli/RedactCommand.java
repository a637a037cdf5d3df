package dev.lethe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.redact.DetectionContext;
import dev.lethe.redact.Detector;
import dev.lethe.redact.EntityType;
import dev.lethe.redact.Redaction;
import dev.lethe.redact.RedactionPolicy;
import dev.lethe.redact.Redactor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lethe redact [--country CC] < text}: the redacted text, for a quick look. */
@Command(
    name = "redact",
    mixinStandardHelpOptions = true,
    description = {
      "Reads text (UTF-8) from standard input and prints it redacted: typed placeholders such as"
          + " [EMAIL_ADDRESS], and keyed pseudonyms such as [PERSON_7f3a9c] for people. Without"
          + " --secret-hex a random secret is used, so pseudonyms differ from run to run.",
      "",
      "Input that is not valid UTF-8 is refused as a whole (exit status 2, nothing printed),"
          + " so no character is silently replaced. The counts per type go to standard error as"
          + " one JSON object: {\"PERSON\":2,\"EMAIL_ADDRESS\":1}.",
      ""
    })
final class RedactCommand implements Callable<Integer> {

  @Option(names = "--country", paramLabel = "CC",
      description = "The writer's country: an ISO 3166-1 alpha-2 code such as GB or de. Without it, phone"
          + " numbers are read as in the US.")
  String country;

  @Option(names = "--secret-hex", paramLabel = "HEX", description = "Pseudonym secret, at least 16 bytes in hex.")
  String secretHex;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    DetectionContext ctx = DetectionContext.none();
    if (country != null) {
      try {
        ctx = DetectionContext.ofCountryCode(country);
      } catch (IllegalArgumentException e) {
        err.println("--country: " + e.getMessage());
        return Lethe.BAD_INPUT;
      }
    }
    byte[] secret;
    if (secretHex != null) {
      try {
        secret = HexFormat.of().parseHex(secretHex);
      } catch (IllegalArgumentException e) {
        err.println("--secret-hex: not hex: " + e.getMessage());
        return Lethe.BAD_INPUT;
      }
      if (secret.length < 16) {
        err.println("--secret-hex: need at least 16 bytes");
        return Lethe.BAD_INPUT;
      }
    } else {
      secret = new byte[32];
      new SecureRandom().nextBytes(secret);
    }
    byte[] bytes = System.in.readAllBytes();
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer text = CharBuffer.allocate(bytes.length);
    CoderResult r = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(in, text, true);
    if (r.isError()) {
      err.println("standard input is not valid UTF-8 (byte " + (in.position() + 1) + "); nothing was redacted");
      return Lethe.BAD_INPUT;
    }
    Redactor redactor = Redactor.create(Detector.standard(), RedactionPolicy.pseudonymousPeople(), secret);
    Redaction redaction = redactor.redact(text.flip().toString(), ctx);
    PrintWriter out = spec.commandLine().getOut();
    out.print(redaction.text());
    if (CommandOutput.failed(out)) {
      return CommandOutput.writeFailed(err);
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    redaction.counts().forEach((type, n) -> counts.put(type.name(), n));
    err.println(new ObjectMapper().writeValueAsString(counts));
    return CommandLine.ExitCode.OK;
  }
}
