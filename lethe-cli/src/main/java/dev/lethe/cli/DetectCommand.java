package dev.lethe.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.lethe.core.json.JsonSyntax;
import dev.lethe.redact.DetectionContext;
import dev.lethe.redact.Detector;
import dev.lethe.redact.Span;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lethe detect < in.jsonl > out.jsonl}: spans of personal data per input line. */
@Command(
    name = "detect",
    mixinStandardHelpOptions = true,
    description = {
      "Reads JSON Lines from standard input, one object {\"id\": ..., \"text\": ..., \"country\": ...}"
          + " per line. \"id\" (a string or a number) and \"text\" (a string) are required;"
          + " \"country\" is an ISO 3166-1 alpha-2 code in any letter case, or null or absent when"
          + " unknown. The input must be UTF-8; blank lines are skipped.",
      "",
      "Prints one line {\"id\": ..., \"spans\": [{\"type\", \"start\", \"end\", \"score\"}]} per"
          + " input line, in order. Offsets count Unicode code points; end is exclusive.",
      "",
      "Every bad line is reported; the good lines are answered; the exit status is 2 if any"
          + " line was bad. A bad line is not valid UTF-8, not one JSON object, has a repeated key"
          + " or a missing or mistyped field, or names an unknown country; it goes to standard"
          + " error as 'line N: problem'.",
      "",
      "A failed write (a full disk, a closed pipe) stops detect at once, with exit status 1.",
      ""
    })
final class DetectCommand implements Callable<Integer> {

  /** As strict as the ledger reader: a repeated key or anything after the object is an error. */
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Detector detector = Detector.standard();
    Lines in = new Lines(System.in);
    int status = CommandLine.ExitCode.OK;
    for (Line line; (line = in.next()) != null; ) {
      String problem = line.text() == null ? line.problem() : answer(line.text(), detector, out);
      if (problem != null) {
        err.println("line " + line.number() + ": " + problem);
        status = Lethe.BAD_INPUT;
      }
      // Checked after every line: with `detect | head -1` the rest of the input is not worked on.
      if (CommandOutput.failed(out)) {
        return CommandOutput.writeFailed(err);
      }
    }
    return status;
  }

  /** Prints the spans of one line, or returns what is wrong with it (then nothing is printed). */
  private static String answer(String line, Detector detector, PrintWriter out) throws IOException {
    if (line.isBlank()) {
      return null;
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      return JsonSyntax.describe(e);
    }
    if (node == null || !node.isObject()) {
      return "expected a JSON object";
    }
    JsonNode id = node.get("id");
    if (id == null) {
      return "missing required field \"id\"";
    }
    if (!id.isTextual() && !id.isNumber()) {
      return "\"id\" must be a string or a number, not " + kind(id);
    }
    JsonNode text = node.get("text");
    if (text == null) {
      return "missing required field \"text\"";
    }
    if (!text.isTextual()) {
      return "\"text\" must be a string, not " + kind(text);
    }
    JsonNode country = node.get("country");
    DetectionContext ctx;
    if (country == null || country.isNull()) {
      ctx = DetectionContext.none();
    } else if (!country.isTextual()) {
      return "\"country\" must be a string or null, not " + kind(country);
    } else {
      try {
        ctx = DetectionContext.ofCountryCode(country.asText());
      } catch (IllegalArgumentException e) {
        return "\"country\": " + e.getMessage();
      }
    }
    ObjectNode result = MAPPER.createObjectNode();
    if (id.isNumber()) {
      // As written: a parsed number would print 1e400 as "Infinity" and 1.50 as 1.5.
      result.putRawValue("id", new RawValue(idLiteral(line)));
    } else {
      result.set("id", id);
    }
    ArrayNode spans = result.putArray("spans");
    for (Span s : detector.detect(text.asText(), ctx)) {
      ObjectNode o = spans.addObject();
      o.put("type", s.type().name());
      o.put("start", s.start());
      o.put("end", s.end());
      o.put("score", Math.round(s.score() * 1000) / 1000.0);
    }
    out.println(MAPPER.writeValueAsString(result));
    return null;
  }

  /**
   * The literal of the line's top-level "id", a number, exactly as written ("1.50", "1e400",
   * "-0"); the line is one valid JSON object, as already parsed.
   */
  private static String idLiteral(String line) throws IOException {
    try (JsonParser p = MAPPER.createParser(line)) {
      p.nextToken(); // the object's start
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String name = p.currentName();
        p.nextToken();
        if (name.equals("id")) {
          return p.getText();
        }
        p.skipChildren();
      }
    }
    throw new IllegalStateException("no top-level \"id\" in a line that has one");
  }

  private static String kind(JsonNode node) {
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  /**
   * Standard input split at {@code \n} (a {@code \r} before it is dropped) and decoded as strict
   * UTF-8 line by line, so one bad line is reported with its number and the next is still read.
   * A byte order mark at the very start is skipped.
   */
  static final class Lines {

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    private byte[] buf = new byte[8192];
    private int number;

    Lines(InputStream in) {
      this.in = new BufferedInputStream(in, 1 << 16);
    }

    /** The next line, or null at the end of the input. */
    Line next() throws IOException {
      int len = 0;
      int b;
      while ((b = in.read()) != -1 && b != '\n') {
        if (len == buf.length) {
          buf = Arrays.copyOf(buf, buf.length * 2);
        }
        buf[len++] = (byte) b;
      }
      if (b == -1 && len == 0) {
        return null;
      }
      number++;
      if (len > 0 && buf[len - 1] == '\r') {
        len--;
      }
      int from = 0;
      if (number == 1 && len >= 3 && (buf[0] & 0xff) == 0xef && (buf[1] & 0xff) == 0xbb && (buf[2] & 0xff) == 0xbf) {
        from = 3;
      }
      ByteBuffer bytes = ByteBuffer.wrap(buf, from, len - from);
      CharBuffer chars = CharBuffer.allocate(len - from);
      decoder.reset();
      CoderResult r = decoder.decode(bytes, chars, true);
      if (!r.isError()) {
        r = decoder.flush(chars);
      }
      if (r.isError()) {
        return new Line(number, null, "not valid UTF-8 (byte " + (bytes.position() + 1) + " of the line)");
      }
      return new Line(number, chars.flip().toString(), null);
    }
  }

  /**
   * One input line.
   *
   * @param number from 1
   * @param text the decoded line, or null when it is not valid UTF-8
   * @param problem why {@code text} is null
   */
  record Line(int number, String text, String problem) {}
}
