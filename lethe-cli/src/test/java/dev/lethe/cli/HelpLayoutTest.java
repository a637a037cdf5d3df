package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The help of every command wraps where picocli wraps it, not where a source line happened to end.
 *
 * <p>Picocli wraps each element of a {@code description} array to the usage width on its own and
 * starts every element on a new line, so a paragraph split over several elements shows its source
 * line breaks mid-sentence. Picocli fills a line greedily: when the next line continues the same
 * sentence, the first word of that line did not fit. A line that had room for it, followed by a
 * line that starts in lower case in the same column, is therefore a hard break inside a sentence.
 */
class HelpLayoutTest {

  /** A line that starts a table row: a first cell, a gap of two or more spaces, a second cell. */
  private static final Pattern TABLE_ROW = Pattern.compile("\\S+ {2,}\\S.*");

  @ParameterizedTest(name = "width {0}")
  @ValueSource(ints = {80, 120})
  void noHelpLineBreaksASentenceWhereTheLineHadRoomForTheNextWord(int width) {
    List<String> breaks = new ArrayList<>();
    List<CommandLine> commands = everyCommand(Lethe.newCommandLine());
    for (CommandLine command : commands) {
      command.getCommandSpec().usageMessage().width(width);
      String usage = command.getUsageMessage(CommandLine.Help.Ansi.OFF);
      assertThat(usage.lines()).as(command.getCommandSpec().qualifiedName())
          .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(width));
      breaks.addAll(sentenceBreaks(command.getCommandSpec().qualifiedName(), usage, width));
    }
    // Every registered command and subcommand, 'audit ...' and 'store ...' included.
    assertThat(commands).extracting(c -> c.getCommandSpec().qualifiedName())
        .contains("lethe", "lethe demo", "lethe import", "lethe audit rotate-key", "lethe store compact");
    assertThat(breaks).isEmpty();
  }

  @Test
  void noCommandsDetailsStartByRepeatingItsSummary() {
    // The first description line is the summary 'lethe --help' lists; the help shows it first.
    List<String> repeated = new ArrayList<>();
    for (CommandLine command : everyCommand(Lethe.newCommandLine())) {
      String[] description = command.getCommandSpec().usageMessage().description();
      if (description.length < 3) {
        continue;
      }
      String summary = description[0].strip();
      String head = summary.endsWith(".") ? summary.substring(0, summary.length() - 1) : summary;
      for (int i = 1; i < description.length; i++) {
        if (!head.isEmpty() && description[i].strip().startsWith(head)) {
          repeated.add(command.getCommandSpec().qualifiedName() + ": " + summary);
        }
      }
    }
    assertThat(repeated).isEmpty();
  }

  @Test
  void theCheckFindsABreakInsideASentenceAndAcceptsWrappedTextAndIndentedExamples() {
    String ragged = String.join("\n",
        "Appends every event of a ledger file to the store, all or nothing, validated",
        "as 'lethe replay' validates.",
        "      --db=URL     JDBC URL of a PostgreSQL 15+ database;",
        "                   the audit signing key then stays under --data.",
        "      --keep-retired   Keep the old key pair as retired/audit-signing-<key id>.",
        "                         key under --data (default: delete",
        "                       it; after a suspected compromise, never keep it).");
    assertThat(sentenceBreaks("x", ragged, 80)).hasSize(3);

    String wrapped = String.join("\n",
        "Appends every event of a ledger file to the store, all or nothing, validated as",
        "'lethe replay' validates. The shipped model was made with",
        "  lethe redact-train -o <that path> train.conll",
        "  demo               Runs the whole system on a synthetic professional network",
        "                       in a fresh directory.");
    assertThat(sentenceBreaks("x", wrapped, 80)).isEmpty();
  }

  /** The command and its subcommands, depth first, each once (aliases map to the same one). */
  private static List<CommandLine> everyCommand(CommandLine root) {
    Map<CommandLine, Boolean> seen = new IdentityHashMap<>();
    List<CommandLine> all = new ArrayList<>();
    collect(root, seen, all);
    return all;
  }

  private static void collect(CommandLine command, Map<CommandLine, Boolean> seen, List<CommandLine> all) {
    if (seen.put(command, Boolean.TRUE) != null) {
      return;
    }
    all.add(command);
    for (CommandLine sub : command.getSubcommands().values()) {
      collect(sub, seen, all);
    }
  }

  /**
   * Each pair of lines where the second starts in lower case in the same text column as the first
   * (where a word of the first starts, or where the option description the first line wraps
   * started), not as a new table row, and the first line would still have been at most {@code
   * width} wide with the second's first word, and the space after it, appended.
   */
  static List<String> sentenceBreaks(String command, String usage, int width) {
    List<String> found = new ArrayList<>();
    List<String> lines = usage.lines().map(HelpLayoutTest::stripTrailing).toList();
    for (int i = 1; i < lines.size(); i++) {
      String previous = lines.get(i - 1);
      String line = lines.get(i);
      int column = indentOf(line);
      if (column == line.length() || !Character.isLowerCase(line.charAt(column))) {
        continue;
      }
      if (TABLE_ROW.matcher(line.substring(column)).matches()) {
        continue; // a new row of a two-column table (a command and its summary), not a continuation
      }
      // Picocli indents the wrapped lines of an option's description by two more columns than its
      // first line, where the next element of the description array starts again.
      boolean sameColumn = column < previous.length()
          && previous.charAt(column) != ' '
          && (column == 0 || previous.charAt(column - 1) == ' ')
          || column > 0 && column + 2 == indentOf(previous);
      if (!sameColumn) {
        continue;
      }
      // Picocli places a word with the spaces after it, so a word that fits only without them
      // does not count as room.
      String word = firstWord(line.substring(column));
      if (previous.length() + 1 + word.length() <= width) {
        found.add(command + ": \"" + previous.strip() + "\" / \"" + line.strip() + "\"");
      }
    }
    return found;
  }

  /**
   * The text up to the first place picocli may break a line, with the spaces that follow it:
   * picocli breaks where the JDK's line break iterator does, except after a hyphen.
   */
  private static String firstWord(String text) {
    BreakIterator words = BreakIterator.getLineInstance(Locale.ROOT);
    words.setText(text.replace('-', 'x'));
    int end = words.next();
    return end == BreakIterator.DONE ? text : text.substring(0, end);
  }

  private static int indentOf(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  private static String stripTrailing(String line) {
    return line.stripTrailing();
  }
}
