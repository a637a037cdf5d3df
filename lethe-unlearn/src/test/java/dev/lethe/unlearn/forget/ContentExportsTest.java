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
 * would keep: the shortcut for other members' lines never drops or adds one.
 */
class ContentExportsTest {

  private static final Set<String> MEMBERS = Set.of("m1", "m2");

  @Property(tries = 400)
  void keepsExactlyWhatParsingEveryLineKeeps(@ForAll("exports") List<String> lines) throws IOException {
    Path file = Files.createTempFile("content", ".jsonl");
    try {
      Files.write(file, String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
      assertThat(read(file)).isEqualTo(parsedInFull(lines));
    } finally {
      Files.delete(file);
    }
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
        Tuple.of(1, object.map(o -> "\uFEFF" + o)),
        Tuple.of(1, record.map(o -> o + " {}")),
        Tuple.of(1, record.map(o -> o.substring(0, o.length() / 2))),
        Tuple.of(1, Arbitraries.of("", "   ", "null", "[]", "\"member\"", "{", "}")));
    return line.list().ofMinSize(1).ofMaxSize(12);
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
      if (!line.isBlank() && ContentLines.parse(line) instanceof ContentLines.Parsed.Ok ok
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
