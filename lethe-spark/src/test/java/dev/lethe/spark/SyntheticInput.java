package dev.lethe.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.Rfc3339;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A generated platform for engine comparisons: a ledger with members in blocked, allowed and
 * unregulated regions (minors, withdrawals, closed accounts, erasures, moves, pending notices,
 * named and unnamed members, its own posts and deletions) and content exports whose texts carry
 * personal data, with every kind of bad line the engines must exclude or skip: invalid JSON and
 * UTF-8, missing fields, unknown visibility, blank lines, CRLF endings and a lone CR inside a
 * line. Deterministic for a seed.
 */
final class SyntheticInput {

  static final Instant AS_OF = Instant.parse("2024-06-01T00:00:00Z");
  private static final Instant START = Instant.parse("2024-01-01T00:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] COUNTRIES = {"DE", "FR", "GB", "GB", "US", "US", "US", "BR", "JP", "CA"};
  private static final String[] FIRST = {"Maria", "Jonas", "Aiko", "Pedro", "Olivia", "Hamza", "Ingrid", "Tomás", "Priya", "Kwame"};
  private static final String[] LAST = {"Okafor", "Lindqvist", "Tanaka", "Moreau", "Castillo", "Brennan", "Nakamura", "Fischer"};
  private static final String[] KINDS = {"post", "post", "comment", "comment", "message", "review"};
  private static final String[] VISIBILITY = {"public", "public", "public", "public", "connections", "private"};

  final Path ledger;
  final List<Path> content;
  final int members;

  private SyntheticInput(Path ledger, List<Path> content, int members) {
    this.ledger = ledger;
    this.content = content;
    this.members = members;
  }

  /**
   * Writes {@code ledger.jsonl} and {@code files} exports of {@code linesPerFile} lines each
   * into {@code dir}.
   */
  static SyntheticInput write(Path dir, long seed, int members, int files, int linesPerFile) throws IOException {
    return write(dir, seed, members, files, linesPerFile, false);
  }

  /**
   * As {@link #write(Path, long, int, int, int)}; with {@code awkwardLines}, some lines also hold
   * what a lenient reader would accept and a strict one must not: a byte order mark (still the
   * record), a lone surrogate, something after the object, a repeated key, and a copy of one of
   * the ledger's own content items. Parquet rows cannot express most of these, so only the JSON
   * Lines tests ask for them.
   */
  static SyntheticInput write(Path dir, long seed, int members, int files, int linesPerFile, boolean awkwardLines)
      throws IOException {
    Random random = new Random(seed);
    List<String> names = new ArrayList<>();
    List<String> events = new ArrayList<>();
    events.add("{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\","
        + "\"effective\":\"2024-01-01T00:00:00Z\",\"notice_days\":30,"
        + "\"regions\":{\"EEA\":[\"DE\",\"FR\"],\"UK\":[\"GB\"],\"NA\":[\"US\",\"CA\"]},"
        + "\"purposes\":{\"genai-training\":{\"title\":\"Data for Generative AI Improvement\",\"default\":\"opt-out\","
        + "\"min_age\":18,\"honor_gpc\":true,\"content_kinds\":[\"post\",\"comment\",\"message\"],"
        + "\"visibility\":[\"public\"],\"rules\":{\"EEA\":\"blocked\"}}}}}");
    for (int m = 0; m < members; m++) {
      String id = member(m);
      String country = COUNTRIES[random.nextInt(COUNTRIES.length)];
      LocalDate birth = random.nextInt(10) == 0 ? LocalDate.of(2010, 5, 1) : LocalDate.of(1960 + random.nextInt(45), 1 + random.nextInt(12), 1);
      ObjectNode reg = event("member.registered", START.plus(Duration.ofMinutes(m)));
      reg.put("member", id).put("country", country).put("birth_date", birth.toString());
      if (random.nextInt(10) < 7) {
        String name = FIRST[m % FIRST.length] + " " + LAST[(m / FIRST.length) % LAST.length] + (m >= 80 ? "-" + m : "");
        reg.put("name", name);
        names.add(name);
      } else {
        names.add(null);
      }
      events.add(reg.toString());
    }
    Instant later = START.plus(Duration.ofDays(20));
    for (int m = 0; m < members; m++) {
      String id = member(m);
      if (random.nextInt(12) != 0) {
        events.add(event("notice.sent", later).put("member", id).put("policy_version", "v1").toString());
      }
      int fate = random.nextInt(40);
      Instant when = later.plus(Duration.ofDays(1 + random.nextInt(100)));
      if (fate < 3) {
        events.add(event("consent.set", when).put("member", id).put("purpose", "genai-training")
            .put("choice", "withdraw").put("source", "settings").toString());
      } else if (fate == 3) {
        events.add(event("member.closed", when).put("member", id).toString());
      } else if (fate == 4) {
        events.add(event("erasure.requested", when).put("member", id).toString());
      } else if (fate == 5) {
        events.add(event("member.moved", when).put("member", id).put("country", "FR").toString());
      } else if (fate == 6) {
        events.add(event("gpc.signal", when).put("member", id).toString());
      } else if (fate == 7) {
        events.add(event("consent.set", when).put("member", id).put("purpose", "genai-training")
            .put("choice", "grant").put("source", "api").toString());
      }
    }
    for (int c = 0; c < 60; c++) {
      int m = random.nextInt(members);
      Instant posted = START.plus(Duration.ofDays(25 + random.nextInt(180)));
      events.add(event("content.posted", posted).put("content", String.format("L%04d", c)).put("member", member(m))
          .put("kind", KINDS[random.nextInt(KINDS.length)]).put("visibility", VISIBILITY[random.nextInt(VISIBILITY.length)])
          .put("text", text(random, names, m)).toString());
      if (c % 9 == 0) {
        events.add(event("content.deleted", posted.plus(Duration.ofDays(3))).put("content", String.format("L%04d", c)).toString());
      }
    }
    Files.createDirectories(dir);
    Path ledger = dir.resolve("ledger.jsonl");
    Files.write(ledger, (String.join("\n", sortedByTime(events)) + "\n").getBytes(StandardCharsets.UTF_8));

    List<Path> content = new ArrayList<>();
    for (int f = 0; f < files; f++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int i = 0; i < linesPerFile; i++) {
        out.write(contentLine(random, names, members, f, i, awkwardLines));
      }
      Path file = dir.resolve("content-" + f + ".jsonl");
      Files.write(file, out.toByteArray());
      content.add(file);
    }
    return new SyntheticInput(ledger, content, members);
  }

  static String member(int m) {
    return String.format("m%05d", m);
  }

  private static byte[] contentLine(
      Random random, List<String> names, int members, int file, int i, boolean awkwardLines) {
    int roll = random.nextInt(200);
    String id = "c" + file + "-" + i;
    switch (roll) {
      case 0:
        return "not json at all\n".getBytes(StandardCharsets.UTF_8);
      case 1:
        return new byte[] {'{', '"', 't', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'};
      case 2:
        return ("{\"content\":\"" + id + "\",\"member\":\"" + member(0) + "\"}\n").getBytes(StandardCharsets.UTF_8);
      case 3:
        return "\n".getBytes(StandardCharsets.UTF_8);
      case 4:
        return " \t \r\n".getBytes(StandardCharsets.UTF_8);
      case 5:
        // A lone CR does not end a line: one malformed line, not two.
        return "{\"content\":\"cr\"}\r{\"content\":\"cr2\"}\n".getBytes(StandardCharsets.UTF_8);
      default:
        break;
    }
    boolean unknown = roll < 9;
    int m = random.nextInt(members);
    int awkward = awkwardLines ? roll : -1;
    ObjectNode o = JSON.createObjectNode();
    // A copy of one of the ledger's own items, which the ledger's copy overrides; a second
    // record of an export id read before (in this file or an earlier one), which the first one is.
    o.put("content", awkward == 15 ? String.format("L%04d", m % 60)
            : awkward == 14 && i > 0 ? "c" + (file > 0 && m % 2 == 0 ? file - 1 : file) + "-" + (m % i) : id)
        .put("member", unknown ? "ghost-" + roll : member(m));
    o.put("kind", KINDS[random.nextInt(KINDS.length)]);
    o.put("visibility", roll >= 9 && roll < 12 ? "everyone" : VISIBILITY[random.nextInt(VISIBILITY.length)]);
    Instant posted = START.plus(Duration.ofHours(random.nextInt(24 * 200)));
    o.put("posted_at", Rfc3339.format(posted));
    if (random.nextInt(25) == 0) {
      o.put("deleted_at", Rfc3339.format(posted.plus(Duration.ofDays(2))));
    }
    o.put("text", text(random, names, m));
    String crlf = random.nextInt(15) == 0 ? "\r\n" : "\n";
    String line = o.toString();
    line = switch (awkward) {
      case 16 -> "\uFEFF" + line; // a byte order mark: still the record
      case 17 -> line.replace("\"text\":\"", "\"text\":\"\\ud800"); // a lone surrogate: malformed
      case 18 -> line + " {}"; // something after the object: malformed
      case 19 -> line.replace("{\"content\"", "{\"member\":\"" + member(0) + "\",\"content\""); // a repeated key
      default -> line;
    };
    return (line + crlf).getBytes(StandardCharsets.UTF_8);
  }

  private static String text(Random random, List<String> names, int m) {
    String other = names.get(random.nextInt(names.size()));
    String own = names.get(m);
    return switch (random.nextInt(8)) {
      case 0 -> "Write to me at " + (own == null ? "someone" : own.split(" ")[0].toLowerCase()) + random.nextInt(99) + "@example.org any time.";
      case 1 -> "Call +44 20 7946 0" + (100 + random.nextInt(899)) + " after six, or " + (other == null ? "my neighbour" : other) + " will answer.";
      case 2 -> "Had lunch with " + (other == null ? "a friend" : other) + " today; the café on Rue Oberkampf was great.";
      case 3 -> "My card 4111 1111 1111 1111 was charged twice, support ticket " + random.nextInt(100_000) + ".";
      case 4 -> "Übermorgen fahren wir nach München — schöne Grüße von " + (own == null ? "uns" : own) + "! 🎉";
      case 5 -> "Server at 192.168." + random.nextInt(255) + "." + random.nextInt(255) + " is down again.";
      case 6 -> "IBAN DE89 3704 0044 0532 0130 00 for the club fee, thanks " + (other == null ? "all" : other) + ".";
      default -> "Just a normal day, nothing personal here, post number " + random.nextInt(1_000_000) + ".";
    };
  }

  private static ObjectNode event(String type, Instant at) {
    ObjectNode o = JSON.createObjectNode();
    o.put("type", type).put("at", Rfc3339.format(at));
    return o;
  }

  /** Events in time order (stable, so same-instant events keep their order), as a ledger must be. */
  private static List<String> sortedByTime(List<String> events) {
    List<String> sorted = new ArrayList<>(events);
    sorted.sort((a, b) -> at(a).compareTo(at(b)));
    return sorted;
  }

  private static Instant at(String event) {
    try {
      return Rfc3339.parseInstant(JSON.readTree(event).get("at").asText());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
