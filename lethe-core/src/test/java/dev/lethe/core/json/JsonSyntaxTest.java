package dev.lethe.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lethe.core.ledger.LedgerReader;
import org.junit.jupiter.api.Test;

class JsonSyntaxTest {

  private static JsonProcessingException failure(String line) {
    return catchThrowableOfType(JsonProcessingException.class, () -> LedgerReader.mapper().readTree(line));
  }

  private static String described(String line) {
    return JsonSyntax.describe(failure(line));
  }

  @Test
  void unclosedContainersAndStringsSayWhatIsOpen() {
    assertThat(described("{\"id\":1,\"text\":\"x\"")).isEqualTo("malformed JSON at column 19: the object is not closed");
    assertThat(described("[1,2")).isEqualTo("malformed JSON at column 5: the array is not closed");
    assertThat(described("{\"id\":\"abc")).isEqualTo("malformed JSON at column 11: the string is not closed");
    assertThat(described("{\"id")).isEqualTo("malformed JSON at column 5: the string is not closed");
    assertThat(described("{\"type\": ")).isEqualTo("malformed JSON at column 10: the object is not closed");
  }

  @Test
  void otherProblemsKeepTheirWordsButNoParserInternals() {
    for (String line : new String[] {"{\"a\":1} {}", "{\"a\":1} x", "{a:1}", "{\"a\":tru}", "{\"a\":1,}", "{\"a\":\"\t\"}",
        "{\"a\":1,\"a\":2}", "{\"a\":01}"}) {
      String d = described(line);
      assertThat(d).as(line).startsWith("malformed JSON at column ")
          .doesNotContain("Source", "REDACTED", "StreamReadFeature", "(code ", "\n", "`");
    }
    assertThat(JsonSyntax.problem(failure("{\"a\":1} {}"))).isEqualTo("text after the JSON value");
    assertThat(JsonSyntax.problem(failure("{\"a\":1,\"a\":2}"))).isEqualTo("duplicate field 'a'");
    assertThat(JsonSyntax.problem(failure("{a:1}"))).isEqualTo("unexpected character 'a': expected double-quote to start field name");
    assertThat(JsonSyntax.problem(failure("{\"a\":tru}"))).isEqualTo("unrecognized token 'tru': expected a JSON value");
    assertThat(JsonSyntax.describe(failure("{\"a\":\"\t\"}")))
        .isEqualTo("malformed JSON at column 7: a control character inside a string must be escaped (\\t, \\n, \\u0000)");
  }

  @Test
  void theColumnCountsEveryCharOfTheLineEvenAfterABareCarriageReturn() {
    // Jackson starts a new row at '\r' (its own column would say 2); in a JSON Lines line it is whitespace.
    assertThat(described("{\"a\":\r1,x}")).isEqualTo("malformed JSON at column 9: unexpected character 'x': expected double-quote to start field name");
    assertThat(JsonSyntax.describe(failure("{\"a\":\r1,x}"), 3)).startsWith("malformed JSON at column 12: ");
  }

  @Test
  void aParseOfBytesGivesNoColumnRatherThanAWrongOne() {
    JsonProcessingException e = catchThrowableOfType(JsonProcessingException.class,
        () -> LedgerReader.mapper().readTree("{\"a\":\r1,x}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertThat(JsonSyntax.describe(e)).isEqualTo("malformed JSON: unexpected character 'x': expected double-quote to start field name");
  }
}
