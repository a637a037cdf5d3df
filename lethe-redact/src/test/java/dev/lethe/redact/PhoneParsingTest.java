package dev.lethe.redact;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link PatternScanner} parses a formatted digit run in each common region from its bare digits,
 * which is only correct if libphonenumber reads the separators of such a run as nothing at all.
 * This holds the assumption against the library version in use.
 */
class PhoneParsingTest {
  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

  @Provide
  Arbitrary<String> runs() {
    Arbitrary<String> group = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(5);
    Arbitrary<String> sep = Arbitraries.of(" ", "-", ".", "/", "(", ")", "\u00a0", " (", ") ", "-.", "");
    Arbitrary<String> pair = Combinators.combine(sep, group).as((s, g) -> s + g);
    return Combinators.combine(Arbitraries.of("", "("), group, pair.list().ofMinSize(1).ofMaxSize(6))
        .as((open, first, rest) -> open + first + String.join("", rest))
        // as in the scanner: only runs of 7 to 17 digits are tried as phone numbers
        .filter(r -> PatternScanner.digitsOnly(r).length() >= 7 && PatternScanner.digitsOnly(r).length() <= 17);
  }

  @Property(tries = 1000)
  void bareDigitsParseLikeTheFormattedRun(@ForAll("runs") String run) {
    String digits = PatternScanner.digitsOnly(run);
    for (String region : PatternScanner.COMMON_REGIONS) {
      assertThat(outcome(digits, region)).as("%s in %s", run, region).isEqualTo(outcome(run, region));
    }
  }

  @Provide
  Arbitrary<String> international() {
    // '+' then a run; calling codes of one to three digits, known or not, and leading zeros.
    Arbitrary<String> lead = Arbitraries.of("1", "44", "49", "33", "353", "358", "880", "0", "00",
        "011", "999", "28", "7", "86", "80", "3", "");
    return Combinators.combine(lead, runs(), Arbitraries.of("+", "+ ", "+(", "+-"))
        .as((cc, run, plus) -> plus + cc + run)
        .filter(r -> PatternScanner.digitsOnly(r).length() <= 17);
  }

  /**
   * {@link PatternScanner#regionFree} runs parse to the same number, or fail alike, in every
   * region, the member's home regions included: the scanner parses them once for all regions.
   */
  @Property(tries = 1000)
  void regionFreeRunsParseAlikeEverywhere(@ForAll("international") String run) {
    if (!PatternScanner.regionFree(run)) {
      return;
    }
    String first = null;
    for (String region : java.util.List.of("US", "GB", "DE", "FR", "IN", "BR", "MX", "AR", "RU", "JP", "ZZ", "001")) {
      String parsed = parsed(run, region);
      if (first == null) {
        first = parsed;
      }
      assertThat(parsed).as("%s in %s", run, region).isEqualTo(first);
    }
  }

  @Property(tries = 200)
  void runsWithoutACallingCodeAreNotRegionFree(@ForAll("runs") String run) {
    assertThat(PatternScanner.regionFree(run)).isFalse();
    assertThat(PatternScanner.regionFree("+0" + run)).isFalse();
    assertThat(PatternScanner.regionFree("+44" + run + "x12")).isFalse();
  }

  @Provide
  Arbitrary<String> spacedWindows() {
    // Digit groups joined by single spaces, of lengths that make national numbers of many
    // countries and parts of them, between edges the scanner lets through and some it does not.
    Arbitrary<String> group = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(10);
    Arbitrary<String> edge = Arbitraries.of("", " ", ",", "?", "\"", "'", "(", "+", ")", ".", "x", "a");
    return Combinators.combine(edge, group.list().ofMinSize(1).ofMaxSize(5), edge)
        .as((before, groups, after) -> before + String.join(" ", groups) + "|" + after)
        .filter(w -> {
          int digits = PatternScanner.digitsOnly(w).length();
          return digits >= 7 && digits <= 17;
        });
  }

  /**
   * {@link PatternScanner#matcherFindsNothing}: whenever it says so of a run that parses at home
   * to an invalid number, libphonenumber's matcher indeed finds nothing in the window.
   */
  @Property(tries = 3000)
  void theMatcherFindsNothingWhereTheScannerSkipsIt(@ForAll("spacedWindows") String marked,
      @ForAll("homes") String home) {
    int bar = marked.indexOf('|');
    String window = marked.substring(0, bar) + marked.substring(bar + 1);
    int start = marked.charAt(0) >= '0' && marked.charAt(0) <= '9' ? 0 : 1;
    int end = bar;
    String run = window.substring(start, end);
    boolean skipped = skippedByTheScanner(window, start, end, run, home);
    net.jqwik.api.statistics.Statistics.collect(skipped);
    if (skipped) {
      assertThat(PHONES.findNumbers(window, home, PhoneNumberUtil.Leniency.VALID, 4))
          .as("%s at home in %s", window, home)
          .isEmpty();
    }
    // Not a vacuous property: the scanner's shortcut applies to a good share of the windows.
    net.jqwik.api.statistics.Statistics.coverage(c -> c.check(true).percentage(p -> p >= 8));
  }

  /** Whether the scanner, having parsed the run at home, would skip the matcher. */
  private static boolean skippedByTheScanner(String window, int start, int end, String run, String home) {
    try {
      return !PHONES.isValidNumber(PHONES.parse(run, home))
          && PatternScanner.matcherFindsNothing(window, start, end, home);
    } catch (NumberParseException e) {
      return false; // the scanner asks only after a parse at home that succeeded
    }
  }

  @Provide
  Arbitrary<String> homes() {
    return Arbitraries.of(PatternScanner.COMMON_REGIONS);
  }

  @org.junit.jupiter.api.Test
  void aValidGroupOrAnEdgeThatLeadsANumberKeepsTheMatcher() {
    // "2015550123" alone is a valid US number: the matcher finds it inside the longer run.
    assertThat(PatternScanner.matcherFindsNothing(" 7 2015550123 ", 1, 13, "US")).isFalse();
    assertThat(PHONES.findNumbers(" 7 2015550123 ", "US", PhoneNumberUtil.Leniency.VALID, 4)).isNotEmpty();
    // A '+' before the run makes it international.
    assertThat(PatternScanner.matcherFindsNothing("+44 207 946 0958 ", 1, 16, "US")).isFalse();
    // A British national number for a member at home in the US: nothing for the matcher to find.
    assertThat(PatternScanner.matcherFindsNothing(" 01632 960123 ", 1, 13, "US")).isTrue();
  }

  private static String parsed(String s, String region) {
    try {
      Phonenumber.PhoneNumber pn = PHONES.parse(s, region);
      return pn.getCountryCode() + "/" + pn.getNationalNumber() + "/" + pn.isItalianLeadingZero() + "/"
          + pn.getNumberOfLeadingZeros() + "/" + pn.getExtension() + "/" + pn.getPreferredDomesticCarrierCode();
    } catch (NumberParseException e) {
      return e.getErrorType().name();
    }
  }

  private static String outcome(String s, String region) {
    try {
      Phonenumber.PhoneNumber pn = PHONES.parse(s, region);
      return pn.getCountryCode() + "/" + pn.getNationalNumber() + "/" + pn.isItalianLeadingZero() + "/"
          + pn.getNumberOfLeadingZeros() + "/" + pn.getExtension() + "/" + PHONES.isValidNumberForRegion(pn, region);
    } catch (NumberParseException e) {
      return e.getErrorType().name();
    }
  }
}
