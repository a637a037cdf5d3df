package dev.lethe.redact;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

final class PolicyRedactor implements Redactor {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  /** Six hex digits, as in {@code [PERSON_7f3a9c]}: short enough to read, 16M values per type. */
  private static final int TOKEN_HEX_DIGITS = 6;

  private final Detector detector;
  private final RedactionPolicy policy;
  private final ThreadLocal<Mac> mac;

  PolicyRedactor(Detector detector, RedactionPolicy policy, byte[] secret) {
    this.detector = detector;
    this.policy = policy;
    SecretKeySpec key = new SecretKeySpec(secret, "HmacSHA256");
    // Mac instances are stateful; one per thread avoids locking on the hot path.
    this.mac =
        ThreadLocal.withInitial(
            () -> {
              try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(key);
                return m;
              } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
              }
            });
  }

  @Override
  public Redaction redact(String text, DetectionContext context) {
    List<Span> spans = detector.detect(text, context);
    Map<EntityType, Integer> counts = new EnumMap<>(EntityType.class);
    for (Span s : spans) {
      counts.merge(s.type(), 1, Integer::sum);
    }
    for (Span s : spans) {
      if (policy.dropRecordIf().contains(s.type())) {
        return new Redaction("", Optional.of(s.type()), counts);
      }
    }
    StringBuilder out = new StringBuilder(text.length());
    int cp = 0; // code point index of char position i
    int i = 0;
    for (Span s : spans) {
      while (cp < s.start()) {
        int c = text.codePointAt(i);
        out.appendCodePoint(c);
        i += Character.charCount(c);
        cp++;
      }
      int valueStart = i;
      while (cp < s.end()) {
        i += Character.charCount(text.codePointAt(i));
        cp++;
      }
      String value = text.substring(valueStart, i);
      switch (policy.operatorFor(s.type())) {
        case PLACEHOLDER -> out.append('[').append(s.type().name()).append(']');
        case PSEUDONYM -> out.append(pseudonym(s.type(), value));
        case MASK -> out.append("*".repeat(s.end() - s.start()));
        case KEEP -> out.append(value);
      }
    }
    out.append(text, i, text.length());
    return new Redaction(out.toString(), Optional.empty(), counts);
  }

  private String pseudonym(EntityType type, String value) {
    Mac m = mac.get();
    m.update(type.name().getBytes(StandardCharsets.US_ASCII));
    m.update((byte) 0);
    byte[] h = m.doFinal(TextFold.foldForIdentity(value).getBytes(StandardCharsets.UTF_8));
    StringBuilder sb = new StringBuilder(type.name().length() + TOKEN_HEX_DIGITS + 3);
    sb.append('[').append(type.name()).append('_');
    for (int k = 0; k < TOKEN_HEX_DIGITS / 2; k++) {
      sb.append(HEX[(h[k] >> 4) & 0xf]).append(HEX[h[k] & 0xf]);
    }
    return sb.append(']').toString();
  }
}
