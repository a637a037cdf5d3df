package dev.lethe.unlearn.forget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.pipeline.ContentLines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/**
 * Reading members' content ids from exports keeps exactly the records a full parse of every line
 * would keep, lines split as the build splits them: the shortcut for other members' lines never
 * drops or adds one, and a carriage return never splits a record.
 */
class ContentExportsTest {

  private static final Set<String> MEMBERS = Set.of("m1", "m2");

  @Property(tries = 400)
  void keepsExactlyWhatParsingEveryLineKeeps(@ForAll("exports") List<String> lines) throws IOException {
    Path file = Files.createTempFile("content", ".jsonl");
    try {
      String export = String.join("", lines);
      Files.write(file, export.getBytes(StandardCharsets.UTF_8));
      assertThat(read(file)).isEqualTo(parsedInFull(asTheBuildSplits(export)));
    } finally {
      Files.delete(file);
    }
  }

  @Test
  void onlyRecordsTheBuildAttributesToTheMembersCount() throws IOException {
    String tail = "\"kind\":\"post\",\"visibility\":\"public\",\"posted_at\":\"2024-02-01T00:00:00Z\",\"text\":\"t\"";
    Path first = write(List.of(
        "{\"content\":\"a\",\"member\":\"m9\"," + tail + "}",
        "{\"content\":\"b\",\"member\":\"m9\"," + tail + " broken",
        "{\"content\":\"a\",\"member\":\"m1\"," + tail + "}",
        "{\"content\":\"b\",\"member\":\"m1\"," + tail + "}",
        "{\"content\":\"p\",\"member\":\"m1\"," + tail + "}",
        "{\"content\":\"c\",\"member\":\"m2\"," + tail + "}"));
    Path second = write(List.of(
        "{\"content\":\"c\",\"member\":\"m9\"," + tail + "}",
        "{\"content\":\"d\",\"member\":\"m9\"," + tail + "}",
        "{\"content\":\"d\",\"member\":\"m2\"," + tail + "}",
        "{\"content\":\"e\",\"member\":\"m2\"," + tail + "}"));
    List<String> out = new ArrayList<>();
    // a: m9's line first; b: m9's earlier line is malformed, so m1's counts; p: the ledger posted it;
    // c: m2's line first (m9's copy comes later); d: m9's line first, in the same file; e: m2's alone.
    ContentExports.attributed(List.of(first, second), MEMBERS, Set.of("p"), (content, member) -> out.add(content + "=" + member));
    assertThat(out).containsExactlyInAnyOrder("b=m1", "c=m2", "e=m2");
    out.clear();
    ContentExports.attributed(List.of(second, first), MEMBERS, Set.of(), (content, member) -> out.add(content + "=" + member));
    assertThat(out).as("file order decides which copy is first").containsExactlyInAnyOrder("b=m1", "e=m2", "p=m1");
  }

  @Test
  void anEscapedOrLaterMemberIsStillFoundAndARepeatedOrNestedOneIsNotTaken() throws IOException {
    String tail = "\"kind\":\"post\",\"visibility\":\"public\",\"posted_at\":\"2024-02-01T00:00:00Z\",\"text\":\"t\"";
    List<String> lines = List.of(
        "{\"content\":\"c1\",\"member\":\"\\u006d1\"," + tail + "}",
        "\uFEFF{\"meta\":{\"member\":\"m9\"},\"content\":\"c2\"," + tail + ",\"member\":\"m2\"}",
        "{\"content\":\"c3\",\"member\":\"m9\",\"member\":\"m1\"," + tail + "}",
        "{\"content\":\"c4\",\"member\":\"m1\",\"member\":\"m9\"," + tail + "}",
        "{\"content\":\"c5\",\"member\":\"m9\"," + tail + "}",
        "{\"content\":\"c6\",\"member\":\"m1\"," + tail + "} trailing");
    assertThat(read(write(lines))).containsExactly("c1=m1", "c2=m2");
    assertThat(parsedInFull(lines)).containsExactly("c1=m1", "c2=m2");
    assertThat(ContentExports.firstMember(lines.get(2))).isEqualTo("m9");
    assertThat(ContentExports.firstMember("{\"member\":7}")).isNull();
    assertThat(ContentExports.firstMember("[\"member\",\"m9\"]")).isNull();
    assertThat(ContentExports.firstMember("{\"content\":")).isNull();
  }

  @Test
  void aCarriageReturnInsideARecordDoesNotSplitIt() throws IOException {
    String tail = "\"kind\":\"post\",\"visibility\":\"public\",\"posted_at\":\"2024-02-01T00:00:00Z\",\"text\":\"t\"";
    String export = "{\"content\":\"c1\",\r\"member\":\"m1\"," + tail + "}\r\n"
        + "{\"content\":\"c2\",\"member\":\"m2\",\r" + tail + "}\r\r\n"
        + "{\"content\":\"c3\",\"member\":\"m1\"," + tail + "}\r{\"content\":\"c4\",\"member\":\"m1\"," + tail + "}\n";
    Path file = Files.createTempFile("content", ".jsonl");
    file.toFile().deleteOnExit();
    Files.write(file, export.getBytes(StandardCharsets.UTF_8));
    // c1 and c2 are whole records to the build (a bare CR is JSON whitespace); c3 and c4 are one
    // malformed line to it (a second object after the first), so neither is in a snapshot.
    assertThat(read(file)).containsExactly("c1=m1", "c2=m2");
    assertThat(parsedInFull(asTheBuildSplits(export))).containsExactly("c1=m1", "c2=m2");
  }

  @Provide
  Arbitrary<List<String>> exports() {
    Arbitrary<String> field = Arbitraries.of(
        "\"content\":\"c1\"", "\"content\":\"c2\"", "\"content\":\" \"", "\"content\":3",
        "\"member\":\"m1\"", "\"member\":\"m2\"", "\"member\":\"m9\"", "\"member\":\"\\u006d1\"", "\"member\":\"m\\u0039\"",
        "\"member\":null", "\"member\":1", "\"member\":[\"m1\"]", "\"member\":{\"member\":\"m1\"}", "\"member\":\"\"",
        "\"kind\":\"post\"", "\"visibility\":\"public\"", "\"visibility\":\"secret\"",
        "\"posted_at\":\"2024-02-01T00:00:00Z\"", "\"posted_at\":\"yesterday\"", "\"deleted_at\":null",
        "\"text\":\"hello \\\"member\\\":\\\"m1\\\"\"", "\"meta\":{\"member\":\"m9\",\"x\":[1,{\"member\":\"m2\"}]}",
        "\"arr\":[\"member\",\"m1\"]");
    Arbitrary<String> object = field.list().ofMinSize(0).ofMaxSize(9).map(fs -> "{" + String.join(",", fs) + "}");
    // Whole records (most lines of an export) with some members ours, and lines broken in various ways.
    Arbitrary<String> before = Arbitraries.of("", "\"meta\":{\"member\":\"m9\"},", "\"arr\":[{\"member\":\"m1\"}],",
        "\"text\":\"\\\"member\\\":\\\"m2\\\"\",");
    Arbitrary<String> member = Arbitraries.of("m1", "m2", "m9", "m10", "\\u006d1", "m\\u0032");
    Arbitrary<String> record = Combinators.combine(before, member).as((b, m) -> "{" + b + "\"content\":\"c-"
        + m + "\",\"member\":\"" + m + "\",\"kind\":\"post\",\"visibility\":\"public\","
        + "\"posted_at\":\"2024-02-01T00:00:00Z\"" + (b.startsWith("\"text") ? "" : ",\"text\":\"t\"") + "}");
    Arbitrary<String> line = Arbitraries.frequencyOf(
        Tuple.of(4, object),
        Tuple.of(4, record),
        // A bare carriage return between fields is JSON whitespace: still one record.
        Tuple.of(2, record.map(o -> o.replace(",\"member\"", ",\r\"member\""))),
        Tuple.of(1, object.map(o -> o.replace(",", "\r,"))),
        Tuple.of(1, object.map(o -> "\uFEFF" + o)),
        Tuple.of(1, record.map(o -> o + " {}")),
        Tuple.of(1, record.map(o -> o.substring(0, o.length() / 2))),
        Tuple.of(1, Arbitraries.of("", "   ", "null", "[]", "\"member\"", "{", "}")));
    // Each line with its terminator: LF, CRLF, a bare CR (which joins it to the next line), or
    // none; an extra CR before the LF stays in the line as trailing whitespace.
    Arbitrary<String> end = Arbitraries.of("\n", "\n", "\r\n", "\r", "\r\r\n", "");
    return Combinators.combine(line, end).as(String::concat).list().ofMinSize(1).ofMaxSize(12);
  }

  /**
   * Splits an export as the build's reader does, written here independently of it: lines end at
   * {@code \n} only, a {@code \r} just before it belongs to the terminator, and a line of only
   * spaces, tabs and carriage returns is skipped.
   */
  private static List<String> asTheBuildSplits(String export) {
    List<String> lines = new ArrayList<>();
    for (String line : export.split("\n", -1)) {
      String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
      if (!l.chars().allMatch(c -> c == ' ' || c == '\t' || c == '\r')) {
        lines.add(l);
      }
    }
    return lines;
  }

  private static List<String> read(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    ContentExports.read(file, MEMBERS, (content, member) -> out.add(content + "=" + member));
    return out;
  }

  /** What reading every line with {@link ContentLines#parse} keeps. */
  private static List<String> parsedInFull(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      if (ContentLines.parse(line) instanceof ContentLines.Parsed.Ok ok
          && MEMBERS.contains(ok.record().member())) {
        out.add(ok.record().content() + "=" + ok.record().member());
      }
    }
    return out;
  }

  private static Path write(List<String> lines) throws IOException {
    Path file = Files.createTempFile("content", ".jsonl");
    file.toFile().deleteOnExit();
    return Files.write(file, lines);
  }
}
