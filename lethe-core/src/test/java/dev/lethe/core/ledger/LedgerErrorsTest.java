package dev.lethe.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.core.decision.Decision;
import dev.lethe.core.decision.Reason;
import dev.lethe.core.policy.Policy;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** One test per error class of the spec: each fails for the right reason and names the line. */
class LedgerErrorsTest {

  private static final String POLICY =
      "{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\","
          + "\"effective\":\"2024-01-01T00:00:00Z\",\"notice_days\":0,\"regions\":{\"EEA\":[\"DE\"]},"
          + "\"purposes\":{\"genai-training\":{\"title\":\"t\",\"default\":\"opt-out\",\"min_age\":18,"
          + "\"honor_gpc\":true,\"content_kinds\":[\"post\"],\"visibility\":[\"public\"],"
          + "\"rules\":{\"EEA\":\"blocked\"}}}}}";
  private static final String MEMBER =
      "{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"m1\","
          + "\"country\":\"GB\",\"birth_date\":\"1990-05-01\"}";

  private static LedgerReader.LoadedLedger load(String... lines) throws Exception {
    String text = String.join("\n", lines) + "\n";
    return LedgerReader.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static void assertProblem(ThrowingCallable call, int line, String... fragments) {
    assertThatThrownBy(call)
        .isInstanceOf(LedgerFormatException.class)
        .hasMessageStartingWith("line " + line + ": ")
        .satisfies(e -> assertThat(((LedgerFormatException) e).line()).isEqualTo(line))
        .message()
        .contains(fragments);
  }

  @Test
  void unknownTypeIsAnError() {
    assertProblem(
        () -> load(POLICY, "{\"type\":\"member.renamed\",\"at\":\"2024-01-02T00:00:00Z\"}"),
        2,
        "unknown event type \"member.renamed\"");
  }

  @Test
  void missingRequiredFieldIsNamed() {
    assertProblem(
        () -> load(POLICY, "{\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"m1\",\"country\":\"GB\"}"),
        2,
        "missing required field \"birth_date\"");
  }

  @Test
  void missingAtIsNamed() {
    assertProblem(() -> load("{\"type\":\"gpc.signal\",\"member\":\"m1\"}"), 1, "missing required field \"at\"");
  }

  @Test
  void missingFieldInsideThePolicyIsNamedWithItsPath() {
    assertProblem(
        () -> load(POLICY.replace("\"notice_days\":0,", "")), 1, "missing required field \"policy.notice_days\"");
  }

  @Test
  void malformedInstantIsAnError() {
    assertProblem(
        () -> load(POLICY, MEMBER.replace("2024-01-02T00:00:00Z", "2024-02-30T00:00:00Z")), 2, "malformed instant");
    assertProblem(() -> load(POLICY, MEMBER.replace("2024-01-02T00:00:00Z", "yesterday")), 2, "malformed instant");
    assertProblem(
        () -> load(POLICY, MEMBER.replace("2024-01-02T00:00:00Z", "2024-01-02T00:00Z")), 2, "malformed instant");
  }

  @Test
  void instantWithoutOffsetIsAnError() {
    assertProblem(
        () -> load(POLICY, MEMBER.replace("2024-01-02T00:00:00Z", "2024-01-02T00:00:00")), 2, "has no offset");
  }

  @Test
  void malformedBirthDateIsAnError() {
    assertProblem(() -> load(POLICY, MEMBER.replace("1990-05-01", "1990-02-30")), 2, "\"birth_date\"");
    assertProblem(() -> load(POLICY, MEMBER.replace("1990-05-01", "01/05/1990")), 2, "malformed date");
  }

  @Test
  void valueOutsideItsListedWordsIsAnError() {
    String consent =
        "{\"type\":\"consent.set\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"m1\",\"purpose\":\"genai-training\","
            + "\"choice\":\"maybe\",\"source\":\"settings\"}";
    assertProblem(() -> load(POLICY, MEMBER, consent), 3, "\"choice\": \"maybe\" is not one of grant, withdraw");
    assertProblem(
        () -> load(POLICY, MEMBER, consent.replace("maybe", "grant").replace("settings", "email")),
        3,
        "\"source\": \"email\" is not one of settings, api, admin, import");
    assertProblem(
        () -> load(POLICY.replace("\"default\":\"opt-out\"", "\"default\":\"allowed\"")),
        1,
        "\"policy.purposes.genai-training.default\": \"allowed\" is not one of opt-out, opt-in, blocked");
  }

  @Test
  void countryMustBeAnAlpha2Code() {
    assertProblem(() -> load(POLICY, MEMBER.replace("\"GB\"", "\"gb\"")), 2, "\"country\"", "alpha-2");
    assertProblem(() -> load(POLICY, MEMBER.replace("\"GB\"", "\"UK\"")), 2, "\"UK\" is not an assigned");
    assertProblem(() -> load(POLICY.replace("[\"DE\"]", "[\"DE\",\"EU\"]")), 1, "\"policy.regions.EEA\"", "\"EU\"");
  }

  @Test
  void memberThatDoesNotExistYetIsAnError() {
    String early =
        "{\"type\":\"gpc.signal\",\"at\":\"2024-01-01T12:00:00Z\",\"member\":\"m1\"}";
    // The GPC signal precedes the registration in time, though it follows it in the file.
    assertProblem(() -> load(POLICY, MEMBER, early), 3, "member \"m1\" does not exist");
    assertProblem(() -> load(POLICY, early.replace("m1", "m2")), 2, "member \"m2\" does not exist");
  }

  @Test
  void loadingEventsOnlyReportsTheSameLinesAndGivesTheSameLedger() throws Exception {
    String early = "{\"type\":\"gpc.signal\",\"at\":\"2024-01-01T12:00:00Z\",\"member\":\"m1\"}";
    // Blank and comment lines are counted, not loaded: the line numbers must still be the file's.
    String text = String.join("\n", POLICY, "", "# a comment", MEMBER, early) + "\n";
    assertProblem(() -> LedgerReader.loadEvents(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))), 5,
        "member \"m1\" does not exist");
    String good = String.join("\n", POLICY, "", MEMBER) + "\n";
    LedgerReader.LoadedEvents events = LedgerReader.loadEvents(new ByteArrayInputStream(good.getBytes(StandardCharsets.UTF_8)));
    LedgerReader.LoadedLedger lines = load(POLICY, "", MEMBER);
    assertThat(events.events()).isEqualTo(lines.lines().stream().map(LedgerLine::event).toList());
    assertThat(events.ledger().memberIds()).isEqualTo(lines.ledger().memberIds());
  }

  @Test
  void equalInstantsApplyInFileOrder() {
    String sameInstant = "{\"type\":\"gpc.signal\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"m1\"}";
    assertProblem(() -> load(POLICY, sameInstant, MEMBER), 2, "member \"m1\" does not exist");
  }

  @Test
  void objectionThatDoesNotExistIsAnError() {
    String decided =
        "{\"type\":\"objection.decided\",\"at\":\"2024-01-05T00:00:00Z\",\"objection\":\"o9\","
            + "\"outcome\":\"upheld\",\"justification\":\"j\"}";
    assertProblem(() -> load(POLICY, MEMBER, decided), 3, "objection \"o9\" does not exist");
  }

  @Test
  void contentThatDoesNotExistIsAnError() {
    String deleted = "{\"type\":\"content.deleted\",\"at\":\"2024-01-05T00:00:00Z\",\"content\":\"c1\"}";
    assertProblem(() -> load(POLICY, MEMBER, deleted), 3, "content \"c1\" does not exist");
  }

  @Test
  void purposeNoPolicySoFarDefinesIsAnError() {
    String consent =
        "{\"type\":\"consent.set\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"m1\",\"purpose\":\"ads\","
            + "\"choice\":\"grant\",\"source\":\"settings\"}";
    assertProblem(() -> load(POLICY, MEMBER, consent), 3, "purpose \"ads\" is not defined");
    String objection =
        "{\"type\":\"objection.filed\",\"at\":\"2024-01-03T00:00:00Z\",\"objection\":\"o1\",\"member\":\"m1\","
            + "\"purpose\":\"ads\",\"reason\":\"r\"}";
    assertProblem(() -> load(POLICY, MEMBER, objection), 3, "purpose \"ads\" is not defined");
  }

  @Test
  void purposeDefinedOnlyByALaterPublicationIsAnError() {
    String consent =
        "{\"type\":\"consent.set\",\"at\":\"2023-12-31T00:00:00Z\",\"member\":\"m0\",\"purpose\":\"genai-training\","
            + "\"choice\":\"grant\",\"source\":\"settings\"}";
    String early = MEMBER.replace("2024-01-02", "2023-12-01").replace("m1", "m0");
    assertProblem(() -> load(POLICY, early, consent), 3, "purpose \"genai-training\" is not defined");
  }

  @Test
  void malformedJsonIsAnError() {
    assertProblem(() -> load(POLICY, "{\"type\": "), 2, "malformed JSON");
    assertProblem(() -> load(POLICY, "[1,2]"), 2, "must be a JSON object");
    assertProblem(() -> load(POLICY, MEMBER + " {}"), 2, "malformed JSON");
  }

  @Test
  void identifiersMustBeStrings() {
    assertProblem(() -> load(POLICY, MEMBER.replace("\"m1\"", "17")), 2, "\"member\" must be a string");
  }

  @Test
  void stringsMustBeUnicodeText() {
    // JSON allows a lone surrogate escape; it has no UTF-8 form, so no output could hold it.
    assertProblem(() -> load(POLICY, MEMBER.replace("\"m1\"", "\"m1\\ud800\"")), 2,
        "\"member\" holds an unpaired surrogate U+D800 at char 2");
    assertProblem(() -> load(POLICY, MEMBER.replace("\"m1\"", "\"\\udfff\"")), 2, "unpaired surrogate U+DFFF at char 0");
  }

  @Test
  void duplicateRegistrationIsAnError() {
    assertProblem(() -> load(POLICY, MEMBER, MEMBER.replace("2024-01-02", "2024-01-03")), 3, "already registered");
  }

  @Test
  void aQueryIsNeverAnErrorForUnknownMembersOrPurposes() throws Exception {
    String unknownMember = "{\"type\":\"query\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"nobody\",\"purpose\":\"genai-training\"}";
    String unknownPurpose = "{\"type\":\"query\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"m1\",\"purpose\":\"ads\"}";
    ConsentLedger ledger = load(POLICY, MEMBER, unknownMember, unknownPurpose).ledger();
    Instant at = Instant.parse("2024-01-03T00:00:00Z");
    Decision d1 = ledger.decide("nobody", "genai-training", at);
    assertThat(d1.reason()).isEqualTo(Reason.UNKNOWN_MEMBER);
    assertThat(d1.settingOffered()).isFalse();
    Decision d2 = ledger.decide("m1", "ads", at);
    assertThat(d2.reason()).isEqualTo(Reason.NO_POLICY);
    assertThat(d2.policyVersion()).isEqualTo("v1");
  }

  @Test
  void blankAndCommentLinesAreIgnoredButCounted() {
    assertProblem(() -> load("# a comment", "", POLICY, "   ", "{\"type\":\"nope\",\"at\":\"2024-01-02T00:00:00Z\"}"), 5, "unknown event type");
  }

  @Test
  void invalidUtf8IsAnError() {
    byte[] bytes = (POLICY + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] bad = new byte[bytes.length + 3];
    System.arraycopy(bytes, 0, bad, 0, bytes.length);
    bad[bytes.length] = (byte) 0xC3;
    bad[bytes.length + 1] = (byte) 0x28;
    bad[bytes.length + 2] = '\n';
    assertThatThrownBy(() -> LedgerReader.load(new ByteArrayInputStream(bad)))
        .isInstanceOf(LedgerFormatException.class)
        .hasMessageContaining("not valid UTF-8");
  }

  @Test
  void duplicateKeysAreAnError() {
    assertProblem(() -> load(POLICY, MEMBER.replace("\"member\":\"m1\"", "\"member\":\"m1\",\"member\":\"m2\"")), 2, "malformed JSON", "member");
  }

  @Test
  void invalidUtf8IsReportedAtItsOwnLineEvenFarIntoTheFile() {
    // Far beyond the 64 KiB a buffered decoder reads ahead: the old reader said line 1.
    StringBuilder text = new StringBuilder(POLICY).append('\n');
    for (int i = 0; i < 3000; i++) {
      text.append("# padding so that the bad byte is far from the start of the file\n");
    }
    byte[] head = text.toString().getBytes(StandardCharsets.UTF_8);
    byte[] tail = (MEMBER + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] bad = java.util.Arrays.copyOf(head, head.length + 3 + tail.length);
    bad[head.length] = (byte) 0xC3;
    bad[head.length + 1] = (byte) 0x28;
    bad[head.length + 2] = '\n';
    System.arraycopy(tail, 0, bad, head.length + 3, tail.length);
    assertProblem(() -> LedgerReader.read(new ByteArrayInputStream(bad)), 3002, "not valid UTF-8");

    byte[] truncated = java.util.Arrays.copyOf(head, head.length + 1);
    truncated[head.length] = (byte) 0xE2; // the first byte of a three-byte sequence, at the end of the file
    assertProblem(() -> LedgerReader.read(new ByteArrayInputStream(truncated)), 3002, "not valid UTF-8");
  }

  @Test
  void aBareCarriageReturnIsWhitespaceInsideALineAsTheContentReaderHasIt() throws Exception {
    // One line, as lethe-pipeline's content reader splits it: the two events cannot share it.
    assertProblem(() -> load(POLICY + "\r" + MEMBER), 1, "malformed JSON at column " + (POLICY.length() + 2) + ": text after the JSON value");
    // Inside an event a bare '\r' is JSON whitespace, and CRLF endings are line endings.
    String member = MEMBER.replace(",\"country\"", ",\r\"country\"");
    LedgerReader.LoadedLedger loaded = load(POLICY + "\r", member + "\r", "\r", "# c\r", MEMBER.replace("m1", "m2") + "\r");
    assertThat(loaded.lines()).extracting(LedgerLine::line).containsExactly(1, 2, 5);
  }

  @Test
  void theColumnOfMalformedJsonCountsFromTheStartOfTheLineWhateverWhitespaceComesFirst() {
    String broken = "{\"type\":\r\"gpc.signal\",x}";
    assertProblem(() -> load(POLICY, broken), 2, "malformed JSON at column " + (broken.indexOf('x') + 1) + ": ");
    assertProblem(() -> load(POLICY, "  \t" + broken), 2, "malformed JSON at column " + (broken.indexOf('x') + 4) + ": ");
  }

  @Test
  void aNoticePeriodTooLongToSubtractFromAnInstantIsRefusedWithItsPath() throws Exception {
    for (String days : new String[] {"100000000001", "1000000000000", "9223372036854775807"}) {
      assertProblem(
          () -> load(POLICY.replace("\"notice_days\":0", "\"notice_days\":" + days)),
          1,
          "\"policy.notice_days\" must be at most 100000000000 (a longer period cannot be subtracted from a"
              + " decision's instant), not " + days);
    }
    // The spec sets no bound: a ledger with a notice period of decades reads and decides.
    assertThat(load(POLICY.replace("\"notice_days\":0", "\"notice_days\":36525"), MEMBER).ledger()
        .decide("m1", "genai-training", Instant.parse("2024-06-01T00:00:00Z")).reason()).isNotNull();
    assertProblem(
        () -> load(POLICY.replace("\"notice_days\":0", "\"notice_days\":9223372036854775808")),
        1,
        "\"policy.notice_days\" must be a whole number");
    // At the bound, decisions at the earliest and the latest instants RFC 3339 can write still
    // subtract the notice period from the instant without failing.
    String early = "0000-01-01T00:00:00Z";
    ConsentLedger ledger = load(
        POLICY.replace("\"notice_days\":0", "\"notice_days\":" + Policy.MAX_NOTICE_DAYS).replace("\"min_age\":18", "\"min_age\":0")
            .replace("2024-01-01T00:00:00Z", early),
        MEMBER.replace("2024-01-02T00:00:00Z", early).replace("1990-05-01", "0000-01-01"),
        "{\"type\":\"notice.sent\",\"at\":\"" + early + "\",\"member\":\"m1\",\"policy_version\":\"v1\"}")
        .ledger();
    assertThat(ledger.decide("m1", "genai-training", Instant.parse(early)).reason()).isEqualTo(Reason.NOTICE_PENDING);
    assertThat(ledger.decide("m1", "genai-training", Instant.parse("9999-12-31T23:59:59Z")).reason())
        .isEqualTo(Reason.NOTICE_PENDING);
    assertThatThrownBy(() -> new Policy("v", Instant.EPOCH, Policy.MAX_NOTICE_DAYS + 1, Map.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 100000000000");
  }
}
