package dev.lethe.bench.redact;

import java.util.SplittableRandom;

/**
 * Deterministic synthetic member posts: mostly ordinary prose, with a name, an e-mail, a phone
 * number, a card or an address now and then, roughly as often as in social-media text.
 */
final class SyntheticPosts {
  private static final String[] WORDS = (
      "the a of to and in is it you that was for on are with as have be at this from or one had by "
          + "but not what all were we when your can said there use an each which she do how their if "
          + "will up other about out many then them these so some her would make like him into time "
          + "has look two more write go see number no way could people my than first water been call "
          + "who oil its now find long down day did get come made may part great game tonight lol").split(" ");
  private static final String[] FIRST = {"Maria", "John", "Aiko", "Lars", "Zoë", "Ahmed", "Sofia", "Pierre"};
  private static final String[] LAST = {"Rossi", "Smith", "Tanaka", "Nilsson", "Müller", "Khan", "García", "Dubois"};
  private static final String[] PII = {
    "mail me at %s.%s@example.com", "call %s on +44 20 7946 0958", "card 4111 1111 1111 1111",
    "I live at 11 Baker Street, London", "thanks @%s_%s", "born on 7/30/1964", "see https://example.org/p/%s",
    "ssn 123-45-6789", "IBAN GB82 WEST 1234 5698 7654 32", "from 192.168.10.%s"
  };

  private final SplittableRandom random;

  SyntheticPosts(long seed) {
    random = new SplittableRandom(seed);
  }

  String next() {
    StringBuilder sb = new StringBuilder(300);
    int words = 20 + random.nextInt(60);
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      int r = random.nextInt(100);
      if (r < 3) {
        sb.append(FIRST[random.nextInt(FIRST.length)]).append(' ').append(LAST[random.nextInt(LAST.length)]);
      } else if (r < 5) {
        String f = FIRST[random.nextInt(FIRST.length)].toLowerCase();
        String l = LAST[random.nextInt(LAST.length)].toLowerCase();
        sb.append(String.format(PII[random.nextInt(PII.length)], f, l));
      } else {
        String w = WORDS[random.nextInt(WORDS.length)];
        sb.append(i == 0 ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w);
      }
    }
    return sb.append('.').toString();
  }
}
