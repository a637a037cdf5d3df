package dev.lethe.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.core.event.Rfc3339;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The operators' forget requests ({@code lethe forget}), read from the forget queue's directory
 * ({@code DATA/forget}, one {@code <id>.json} per request, written by lethe-unlearn's
 * {@code ForgetQueue}) as {@linkplain ForgetObligations.Obligation obligations} a build applies.
 * The ledger does not record them, so {@link ForgetObligations#derive} cannot see them; without
 * this a build as of an instant before such a request would put the member back into training
 * data the request removed them from. Only the fields a build needs are read: {@code reason},
 * {@code member}, {@code purpose} and {@code received}.
 *
 * <p>Fails closed: a request file that cannot be read or lacks those fields is an error naming
 * it, never skipped, since the build could then include a member an operator removed. Stateless.
 */
public final class ManualForgets {

  /** The {@code reason} word of an operator's request in the queue's files. */
  public static final String REASON = "manual";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ManualForgets() {}

  /**
   * The obligations of every manual request in {@code queueDir}, whatever its status (a completed
   * request still forbids the data it removed), in file-name order; none if the directory does
   * not exist.
   *
   * @throws IOException naming the file, if a request file cannot be read or is damaged
   */
  public static List<ForgetObligations.Obligation> read(Path queueDir) throws IOException {
    List<ForgetObligations.Obligation> out = new ArrayList<>();
    if (!Files.isDirectory(queueDir)) {
      return out;
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(queueDir)) {
      files = list.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    }
    for (Path f : files) {
      JsonNode o;
      try {
        o = JSON.readTree(f.toFile());
      } catch (JsonProcessingException e) {
        throw new IOException("forget request file " + f + " is damaged: not JSON (line " + e.getLocation().getLineNr()
            + ")", e);
      }
      if (o == null || !o.isObject() || !o.path("reason").isTextual()) {
        throw new IOException("forget request file " + f + " is damaged: no reason");
      }
      if (!REASON.equals(o.get("reason").asText())) {
        continue; // the ledger's own obligations, which ForgetObligations derives
      }
      JsonNode member = o.get("member");
      JsonNode purpose = o.get("purpose");
      JsonNode received = o.get("received");
      if (member == null || !member.isTextual() || received == null || !received.isTextual()
          || (purpose != null && !purpose.isNull() && !purpose.isTextual())) {
        throw new IOException("forget request file " + f + " is damaged: member, purpose or received missing or not text");
      }
      Instant at;
      try {
        at = Rfc3339.parseInstant(received.asText());
      } catch (RuntimeException e) {
        throw new IOException("forget request file " + f + " is damaged: received is not an RFC 3339 instant", e);
      }
      out.add(new ForgetObligations.Obligation(member.asText(), ForgetObligations.Reason.MANUAL,
          purpose == null || purpose.isNull() ? null : purpose.asText(), at));
    }
    return out;
  }
}
