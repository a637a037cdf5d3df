package dev.lethe.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.redact.DetectionContext;
import dev.lethe.redact.Detector;
import dev.lethe.redact.Span;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lethe detect < in.jsonl > out.jsonl}: spans of personal data per input line. */
@Command(
    name = "detect",
    mixinStandardHelpOptions = true,
    description = {
      "Reads JSON Lines {\"id\": ..., \"text\": ..., \"country\": optional} from standard input and",
      "prints one line {\"id\": ..., \"spans\": [{\"type\", \"start\", \"end\", \"score\"}]} per input",
      "line, in order. Offsets count Unicode code points; end is exclusive. Invalid UTF-8 is read",
      "as U+FFFD. Exit status 2 if a line is not a JSON object with a string \"text\": the problem",
      "goes to stderr as 'line N: problem' and the remaining lines are still answered."
    })
final class DetectCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ObjectMapper mapper = new ObjectMapper();
    Detector detector = Detector.standard();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
        StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE)));
    int status = CommandLine.ExitCode.OK;
    int lineNo = 0;
    for (String line; (line = in.readLine()) != null; ) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = mapper.readTree(line);
      } catch (JsonProcessingException e) {
        err.println("line " + lineNo + ": not JSON: " + e.getOriginalMessage());
        status = Lethe.BAD_INPUT;
        continue;
      }
      if (node == null || !node.isObject() || !node.path("text").isTextual()) {
        err.println("line " + lineNo + ": expected an object with a string \"text\"");
        status = Lethe.BAD_INPUT;
        continue;
      }
      JsonNode country = node.path("country");
      DetectionContext ctx = DetectionContext.ofCountry(country.isTextual() ? country.asText() : null);
      ObjectNode result = mapper.createObjectNode();
      result.set("id", node.path("id").isMissingNode() ? mapper.nullNode() : node.get("id"));
      ArrayNode spans = result.putArray("spans");
      for (Span s : detector.detect(node.get("text").asText(), ctx)) {
        ObjectNode o = spans.addObject();
        o.put("type", s.type().name());
        o.put("start", s.start());
        o.put("end", s.end());
        o.put("score", Math.round(s.score() * 1000) / 1000.0);
      }
      out.println(mapper.writeValueAsString(result));
    }
    out.flush();
    return status;
  }
}
