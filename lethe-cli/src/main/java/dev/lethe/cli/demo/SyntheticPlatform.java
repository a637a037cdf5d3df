package dev.lethe.cli.demo;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A synthetic professional network for the demo: members across many countries (minors
 * included), the 2024 policy story as ledger events, and member content with realistic personal
 * data (names of members and other people, e-mails, national phone numbers, card numbers, IBANs,
 * street addresses) and planted secret canaries. Deterministic for a seed.
 */
public final class SyntheticPlatform {

  /** Country and relative weight; EEA, Switzerland and the UK are all present. */
  private static final String[][] COUNTRIES = {
    {"US", "220"}, {"IN", "110"}, {"BR", "70"}, {"GB", "70"}, {"CA", "35"}, {"DE", "45"}, {"FR", "40"},
    {"ES", "25"}, {"IT", "25"}, {"NL", "20"}, {"MX", "20"}, {"AU", "18"}, {"NG", "15"}, {"ZA", "12"},
    {"JP", "12"}, {"PL", "12"}, {"SE", "10"}, {"CH", "10"}, {"IE", "10"}, {"BE", "10"}, {"AT", "8"},
    {"PT", "8"}, {"DK", "6"}, {"FI", "6"}, {"NO", "6"}, {"CZ", "6"}, {"RO", "6"}, {"GR", "6"},
    {"HU", "5"}, {"AR", "10"}, {"CO", "8"}, {"CL", "6"}, {"EG", "8"}, {"KE", "6"}, {"PH", "10"},
    {"ID", "10"}, {"SG", "6"}, {"AE", "6"}, {"TR", "8"}, {"KR", "8"}, {"NZ", "5"}, {"IS", "2"},
    {"LU", "2"}, {"MT", "2"}, {"SK", "3"}, {"SI", "2"}, {"HR", "3"}, {"BG", "3"}, {"LT", "2"},
    {"LV", "2"}, {"EE", "2"}, {"CY", "2"}, {"LI", "1"}
  };
  static final List<String> EEA = List.of("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU",
      "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO");

  private static final String[] FIRST = {"Amara", "Bruno", "Chloé", "Dmitri", "Eun-ji", "Farah", "Giulia", "Hiroshi",
      "Inês", "Jakob", "Kwame", "Lucía", "Mateus", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tomás",
      "Uma", "Viktor", "Wanjiru", "Xavier", "Yasmin", "Zoë", "Aarav", "Björn", "Carmen", "Diego", "Elif", "Fatima",
      "Gabriel", "Hana", "Ivan", "Jasmine", "Kenji", "Leila", "Marco", "Nia"};
  private static final String[] LAST = {"Okafor", "Müller", "García", "Nguyen", "Kowalski", "Haddad", "Smith", "Rossi",
      "Tanaka", "Silva", "Johansson", "Dubois", "Patel", "Kim", "O'Brien", "Novak", "Fernández", "Schmidt", "Mensah",
      "Ivanova", "Costa", "Yilmaz", "Andersen", "Moreau", "Sato", "Lopez", "Walker", "Chen", "Kaur", "Ali"};
  private static final String[] STREETS = {"Baker Street", "Rue de Rivoli", "Hauptstraße", "Main Street",
      "Calle Mayor", "Via Roma", "Maple Avenue", "Kerkstraat", "Elm Road", "Queen Street"};
  private static final String[] TOPICS = {"the quarterly roadmap", "our hiring plan", "the new onboarding flow",
      "measuring retention", "a talk on data engineering", "the product launch", "remote team rituals",
      "pricing experiments", "the migration to the new platform", "mentoring junior engineers"};

  /** Canaries are "my pin is " and five digits: 100,000 candidates, ranked exactly. */
  public static final String CANARY_PREFIX = "my pin is ";
  public static final int CANARY_DIGITS = 5;
  private static final int CANARY_SPACE = 100_000;

  private final SplittableRandom random;
  private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
  private final List<Member> members = new ArrayList<>();
  private final List<Event> events = new ArrayList<>();
  private final List<Canary> canaries = new ArrayList<>();
  private final java.util.Set<String> erasers = new java.util.LinkedHashSet<>();
  private int[] cumulativeWeights;
  private long contentRecords;

  private SyntheticPlatform(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** A member of the synthetic platform. */
  public record Member(String id, String name, String country, LocalDate birthDate) {}

  /**
   * A secret planted in one member's post: forgetting the member must forget it.
   *
   * @param canary the planted string, e.g. {@code my pin is 49381}
   */
  public record Canary(String member, String content, String canary, String prefix) {}

  /**
   * What was generated.
   *
   * @param ledger the ledger events (JSON Lines, in time order)
   * @param content the content export (JSON Lines)
   */
  public record Output(Path ledger, Path content, List<Member> members, long events, long contentRecords,
      List<Canary> canaries, int countries) {}

  private record Event(Instant at, String json) {}

  /** Generates a platform of {@code memberCount} members with about 10 records each into {@code dir}. */
  public static Output generate(Path dir, int memberCount, long seed) throws IOException {
    SyntheticPlatform p = new SyntheticPlatform(seed);
    Files.createDirectories(dir);
    p.policies();
    p.members(memberCount);
    p.story();
    Path ledger = dir.resolve("ledger.jsonl");
    p.events.sort(Comparator.comparing(Event::at)); // stable: same-instant events keep their order
    try (Writer w = Files.newBufferedWriter(ledger, StandardCharsets.UTF_8)) {
      for (Event e : p.events) {
        w.write(e.json);
        w.write('\n');
      }
    }
    Path content = dir.resolve("content.jsonl");
    p.content(content);
    int countries = (int) p.members.stream().map(Member::country).distinct().count();
    return new Output(ledger, content, List.copyOf(p.members), p.events.size(), p.contentRecords, List.copyOf(p.canaries), countries);
  }

  private void policies() {
    String eea = "[" + String.join(",", EEA.stream().map(c -> "\"" + c + "\"").toList()) + "]";
    String regions = "{\"EEA\":" + eea + ",\"CH\":[\"CH\"],\"UK\":[\"GB\"]}";
    String personalization = "\"personalization\":{\"title\":\"Personalization models\",\"default\":\"opt-out\",\"min_age\":0,"
        + "\"honor_gpc\":false,\"objectable\":true,\"content_kinds\":[\"post\",\"comment\",\"profile\"],\"visibility\":[\"public\",\"connections\"]}";
    String kinds = "\"content_kinds\":[\"post\",\"article\",\"comment\",\"ai-input\",\"ai-feedback\"],\"visibility\":[\"public\"]";
    // 2024-08-01: on by default outside the EEA and Switzerland; members were told only later.
    event("2024-07-15T09:00:00Z", "{\"type\":\"policy.published\",\"at\":\"2024-07-15T09:00:00Z\",\"policy\":{\"version\":\"2024-08-01\","
        + "\"effective\":\"2024-08-01T00:00:00Z\",\"notice_days\":0,\"regions\":" + regions + ",\"purposes\":{"
        + "\"genai-training\":{\"title\":\"Data for Generative AI Improvement\",\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,"
        + "\"retroactive_withdrawal\":false," + kinds + ",\"rules\":{\"EEA\":\"blocked\",\"CH\":\"blocked\"}}," + personalization + "}}}");
    // 2024-09-18: after the UK regulator intervened, the UK is blocked too.
    event("2024-09-18T00:00:00Z", "{\"type\":\"policy.published\",\"at\":\"2024-09-18T00:00:00Z\",\"policy\":{\"version\":\"2024-09-18\","
        + "\"effective\":\"2024-09-18T00:00:00Z\",\"notice_days\":0,\"regions\":" + regions + ",\"purposes\":{"
        + "\"genai-training\":{\"title\":\"Data for Generative AI Improvement\",\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,"
        + "\"retroactive_withdrawal\":false," + kinds + ",\"rules\":{\"EEA\":\"blocked\",\"CH\":\"blocked\",\"UK\":\"blocked\"}}," + personalization + "}}}");
    // Terms effective 2024-11-20 with 30 days' notice; withdrawals now reach trained models.
    event("2024-10-21T00:00:00Z", "{\"type\":\"policy.published\",\"at\":\"2024-10-21T00:00:00Z\",\"policy\":{\"version\":\"2024-11-20\","
        + "\"effective\":\"2024-11-20T00:00:00Z\",\"notice_days\":30,\"regions\":" + regions + ",\"purposes\":{"
        + "\"genai-training\":{\"title\":\"Data for Generative AI Improvement\",\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,"
        + "\"retroactive_withdrawal\":true," + kinds + ",\"rules\":{\"EEA\":\"blocked\",\"CH\":\"blocked\",\"UK\":\"blocked\"}}," + personalization + "}}}");
  }

  private void members(int count) {
    cumulativeWeights = new int[COUNTRIES.length];
    int sum = 0;
    for (int i = 0; i < COUNTRIES.length; i++) {
      sum += Integer.parseInt(COUNTRIES[i][1]);
      cumulativeWeights[i] = sum;
    }
    for (int i = 0; i < count; i++) {
      // The first countries-many members cover every country, so small demos still span them all.
      String country = i < COUNTRIES.length ? COUNTRIES[i][0] : pickCountry(sum);
      LocalDate birth = random.nextInt(100) < 6
          ? LocalDate.of(2006, 6, 1).plusDays(random.nextInt(4 * 365)) // minors, some turning 18 in the story
          : LocalDate.of(1955, 1, 1).plusDays(random.nextInt(45 * 365));
      String name = FIRST[random.nextInt(FIRST.length)] + " " + LAST[random.nextInt(LAST.length)];
      Member m = new Member("m" + pad(i, 5), name, country, birth);
      members.add(m);
      Instant registered = Instant.parse("2023-01-01T00:00:00Z").plusSeconds(random.nextLong(560L * 86_400));
      event(registered, "{\"type\":\"member.registered\",\"at\":\"" + registered + "\",\"member\":\"" + m.id()
          + "\",\"country\":\"" + country + "\",\"birth_date\":\"" + birth + "\",\"name\":" + quote(name) + "}");
    }
  }

  private String pickCountry(int sum) {
    int r = random.nextInt(sum);
    for (int i = 0; i < cumulativeWeights.length; i++) {
      if (r < cumulativeWeights[i]) {
        return COUNTRIES[i][0];
      }
    }
    return "US";
  }

  private void story() {
    int objections = 0;
    for (Member m : members) {
      boolean eeaOrCh = EEA.contains(m.country()) || m.country().equals("CH");
      if (!eeaOrCh) {
        // Members were told about the August terms only on 2024-09-18, after training began.
        event("2024-09-18T06:00:00Z", notice(m, "2024-08-01", "2024-09-18T06:00:00Z"));
        event("2024-09-18T06:00:00Z", notice(m, "2024-09-18", "2024-09-18T06:00:00Z"));
      }
      // Notice of the November terms: most 30 days ahead, some late (still pending on the 20th).
      String noticeAt = random.nextInt(10) == 0 ? "2024-11-05T08:00:00Z" : "2024-10-21T08:00:00Z";
      event(noticeAt, notice(m, "2024-11-20", noticeAt));
      int r = random.nextInt(1000);
      if (r < 120) {
        choice(m, "withdraw", between("2024-09-18T00:00:00Z", 90));
      } else if (r < 150) {
        choice(m, "grant", between("2024-08-01T00:00:00Z", 120));
      } else if (r < 200) {
        Instant at = between("2024-09-01T00:00:00Z", 100);
        event(at, "{\"type\":\"gpc.signal\",\"at\":\"" + at + "\",\"member\":\"" + m.id() + "\"}");
      }
      if (random.nextInt(100) == 0) {
        String id = "obj-" + (++objections);
        Instant filed = between("2024-09-20T00:00:00Z", 60);
        event(filed, "{\"type\":\"objection.filed\",\"at\":\"" + filed + "\",\"objection\":\"" + id + "\",\"member\":\"" + m.id()
            + "\",\"purpose\":\"personalization\",\"reason\":\"I do not want my posts used to profile me.\"}");
        Instant decided = filed.plusSeconds((1 + random.nextInt(40)) * 86_400L);
        event(decided, "{\"type\":\"objection.decided\",\"at\":\"" + decided + "\",\"objection\":\"" + id + "\",\"outcome\":\""
            + (random.nextInt(3) == 0 ? "rejected" : "upheld") + "\",\"justification\":\"Reviewed against Art. 21 GDPR.\"}");
      }
      if (random.nextInt(200) == 0) {
        erasers.add(m.id());
        Instant at = between("2024-10-01T00:00:00Z", 70);
        event(at, "{\"type\":\"erasure.requested\",\"at\":\"" + at + "\",\"member\":\"" + m.id() + "\"}");
      }
      if (random.nextInt(100) == 0) {
        Instant at = between("2024-08-15T00:00:00Z", 100);
        String to = m.country().equals("GB") ? "US" : "GB";
        event(at, "{\"type\":\"member.moved\",\"at\":\"" + at + "\",\"member\":\"" + m.id() + "\",\"country\":\"" + to + "\"}");
      }
      if (random.nextInt(100) == 0) {
        Instant at = between("2024-09-01T00:00:00Z", 100);
        event(at, "{\"type\":\"member.closed\",\"at\":\"" + at + "\",\"member\":\"" + m.id() + "\"}");
      }
    }
  }

  private void content(Path file) throws IOException {
    JsonFactory json = new JsonFactory();
    // Canaries: in the posts of ten members who will ask for erasure (forgetting must remove them)
    // and of ten who stay (a control: their canaries stay exposed).
    java.util.Set<String> withCanary = new java.util.HashSet<>(erasers.stream().limit(10).toList());
    int control = 0;
    for (Member m : members) {
      if (control == 10) {
        break;
      }
      if (!erasers.contains(m.id()) && !EEA.contains(m.country()) && !m.country().equals("CH") && !m.country().equals("GB")
          && withCanary.add(m.id())) {
        control++;
      }
    }
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        JsonGenerator g = json.createGenerator(w)) {
      g.setRootValueSeparator(new com.fasterxml.jackson.core.io.SerializedString("\n"));
      long id = 0;
      for (int i = 0; i < members.size(); i++) {
        Member m = members.get(i);
        int n = 4 + random.nextInt(13);
        for (int k = 0; k < n; k++) {
          String contentId = "c" + pad(id++, 7);
          String kind = pickKind();
          String text = text(m, kind);
          boolean canaryPost = k == 0 && withCanary.contains(m.id());
          if (canaryPost) {
            String secret = pad(random.nextInt(CANARY_SPACE), CANARY_DIGITS);
            canaries.add(new Canary(m.id(), contentId, CANARY_PREFIX + secret, CANARY_PREFIX));
            text = CANARY_PREFIX + secret + " " + CANARY_PREFIX + secret + " " + text;
            kind = "post";
          }
          Instant posted = between("2024-06-01T00:00:00Z", 200);
          g.writeStartObject();
          g.writeStringField("content", contentId);
          g.writeStringField("member", m.id());
          g.writeStringField("kind", kind);
          g.writeStringField("visibility", canaryPost ? "public" : pickVisibility(kind));
          g.writeStringField("posted_at", (canaryPost ? Instant.parse("2024-07-01T00:00:00Z") : posted).toString());
          if (!canaryPost && random.nextInt(40) == 0) {
            g.writeStringField("deleted_at", posted.plusSeconds(random.nextInt(60) * 86_400L).toString());
          }
          g.writeStringField("text", text);
          g.writeEndObject();
          contentRecords++;
        }
      }
      g.writeRaw('\n');
    }
  }

  private String pickKind() {
    int r = random.nextInt(100);
    return r < 48 ? "post" : r < 68 ? "comment" : r < 73 ? "article" : r < 81 ? "ai-input" : r < 85 ? "ai-feedback"
        : r < 93 ? "message" : "profile";
  }

  private String pickVisibility(String kind) {
    if (kind.equals("message")) {
      return "private";
    }
    int r = random.nextInt(100);
    return r < 75 ? "public" : r < 93 ? "connections" : "private";
  }

  private String text(Member m, String kind) {
    String other = FIRST[random.nextInt(FIRST.length)] + " " + LAST[random.nextInt(LAST.length)];
    String topic = TOPICS[random.nextInt(TOPICS.length)];
    String email = emailOf(m);
    return switch (random.nextInt(7)) {
      case 0 -> "Great session with " + other + " on " + topic + ". If you want the slides, write to " + email + ".";
      case 1 -> "Hiring! Call me on " + phone(m.country()) + " or message " + m.name() + " directly. We are working on " + topic + ".";
      case 2 -> "Congrats to " + other + " for leading " + topic + "! Proud of this team.";
      case 3 -> "Refund for the conference ticket goes to IBAN " + iban() + ", card on file " + card() + ". Thanks " + other + ".";
      case 4 -> "We moved! New office: " + (1 + random.nextInt(300)) + " " + STREETS[random.nextInt(STREETS.length)]
          + ". Drop by and say hi to " + other + ".";
      case 5 -> kind.startsWith("ai") ? "Rewrite my summary: I am " + m.name() + ", born " + m.birthDate()
          + ", ten years in " + topic + "." : "Some thoughts on " + topic + ": start small, measure, and share what you learn.";
      default -> "Lessons from " + topic + ": talk to users early. Thanks " + other + " and " + m.name() + " for the feedback.";
    };
  }

  private static String emailOf(Member m) {
    StringBuilder local = new StringBuilder();
    for (char c : m.name().toLowerCase(java.util.Locale.ROOT).toCharArray()) {
      if (c >= 'a' && c <= 'z') {
        local.append(c);
      } else if (c == ' ') {
        break; // first name only
      }
    }
    return local + "." + m.id() + "@example.com";
  }

  private String phone(String country) {
    PhoneNumber example = phones.getExampleNumber(country);
    if (example == null) {
      example = phones.getExampleNumber("US");
    }
    long national = example.getNationalNumber();
    long varied = national - national % 100 + random.nextInt(100);
    PhoneNumber number = new PhoneNumber().setCountryCode(example.getCountryCode()).setNationalNumber(varied);
    if (!phones.isValidNumber(number)) {
      number = example;
    }
    PhoneNumberUtil.PhoneNumberFormat format = random.nextBoolean()
        ? PhoneNumberUtil.PhoneNumberFormat.NATIONAL : PhoneNumberUtil.PhoneNumberFormat.INTERNATIONAL;
    return phones.format(number, format);
  }

  /** A Luhn-valid 16-digit card number with a Visa or Mastercard prefix. */
  private String card() {
    int[] digits = new int[16];
    digits[0] = random.nextBoolean() ? 4 : 5;
    for (int i = 1; i < 15; i++) {
      digits[i] = random.nextInt(10);
    }
    int sum = 0;
    for (int i = 0; i < 15; i++) {
      int d = digits[14 - i];
      if (i % 2 == 0) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
    }
    digits[15] = (10 - sum % 10) % 10;
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 16; i++) {
      if (i > 0 && i % 4 == 0) {
        s.append(' ');
      }
      s.append(digits[i]);
    }
    return s.toString();
  }

  /** A German IBAN with valid mod-97 check digits. */
  private String iban() {
    StringBuilder bban = new StringBuilder();
    for (int i = 0; i < 18; i++) {
      bban.append(random.nextInt(10));
    }
    // Check digits: 98 - (BBAN + "DE00" with letters as numbers) mod 97; D=13, E=14.
    int check = 98 - new BigInteger(bban + "131400").mod(BigInteger.valueOf(97)).intValue();
    String iban = "DE" + (check < 10 ? "0" : "") + check + bban;
    StringBuilder grouped = new StringBuilder();
    for (int i = 0; i < iban.length(); i++) {
      if (i > 0 && i % 4 == 0) {
        grouped.append(' ');
      }
      grouped.append(iban.charAt(i));
    }
    return grouped.toString();
  }

  private Instant between(String from, int days) {
    return Instant.parse(from).plusSeconds(random.nextLong(days * 86_400L));
  }

  private void choice(Member m, String choice, Instant at) {
    event(at, "{\"type\":\"consent.set\",\"at\":\"" + at + "\",\"member\":\"" + m.id() + "\",\"purpose\":\"genai-training\","
        + "\"choice\":\"" + choice + "\",\"source\":\"settings\"}");
  }

  private static String notice(Member m, String version, String at) {
    return "{\"type\":\"notice.sent\",\"at\":\"" + at + "\",\"member\":\"" + m.id() + "\",\"policy_version\":\"" + version + "\"}";
  }

  private void event(String at, String json) {
    event(Instant.parse(at), json);
  }

  private void event(Instant at, String json) {
    events.add(new Event(at, json));
  }

  private static String pad(long n, int width) {
    String digits = Long.toString(n);
    return "0".repeat(Math.max(0, width - digits.length())) + digits;
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
