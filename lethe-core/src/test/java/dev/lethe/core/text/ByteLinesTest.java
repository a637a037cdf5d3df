package dev.lethe.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ByteLinesTest {

  private static List<String> lines(String text, int maxKept) throws IOException {
    ByteLines split = new ByteLines(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)), maxKept);
    List<String> out = new ArrayList<>();
    for (byte[] line = split.next(); line != null; line = split.next()) {
      out.add(new String(line, StandardCharsets.ISO_8859_1));
    }
    return out;
  }

  @Test
  void linesEndAtLineFeedOnlyAndACarriageReturnBeforeItBelongsToTheTerminator() throws IOException {
    assertThat(lines("a\nb\r\nc\rd\n\r\n\nlast", ByteLines.UNLIMITED)).containsExactly("a", "b", "c\rd", "", "", "last");
    assertThat(lines("a\n", ByteLines.UNLIMITED)).containsExactly("a");
    assertThat(lines("", ByteLines.UNLIMITED)).isEmpty();
    assertThat(lines("a\r\r\n", ByteLines.UNLIMITED)).containsExactly("a\r");
  }

  @Test
  void aLineLongerThanTheLimitIsCutAndTheNextLineStartsWhereItShould() throws IOException {
    String longLine = "x".repeat(200_000);
    assertThat(lines(longLine + "\r\nnext\n", 11)).containsExactly("xxxxxxxxxxx", "next");
    // A cut line keeps a '\r' at the cut, so that it stays longer than the caller's limit.
    assertThat(lines("abc\r\r\n", 4)).containsExactly("abc\r");
    assertThat(lines(longLine + "\n", ByteLines.UNLIMITED)).containsExactly(longLine);
  }

  @Test
  void consumedCountsTerminators() throws IOException {
    ByteLines split = new ByteLines(new ByteArrayInputStream("ab\r\ncd".getBytes(StandardCharsets.US_ASCII)), 100);
    split.next();
    assertThat(split.consumed()).isEqualTo(4);
    split.next();
    assertThat(split.consumed()).isEqualTo(6);
    assertThat(split.next()).isNull();
  }

  @Test
  void theLimitMustBePositive() {
    assertThatThrownBy(() -> new ByteLines(new ByteArrayInputStream(new byte[0]), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
