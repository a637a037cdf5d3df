package dev.lethe.bench.redact;

import dev.lethe.bench.text.SocialPosts;
import dev.lethe.redact.DetectionContext;
import dev.lethe.redact.Detector;
import dev.lethe.redact.RedactionPolicy;
import dev.lethe.redact.Redactor;
import dev.lethe.redact.Span;
import dev.lethe.redact.eval.Datasets;
import dev.lethe.redact.eval.LabeledText;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Writes every span the standard detector finds in a fixed corpus (the labeled PII files given on
 * the command line, then {@link SocialPosts} from seed 42) and prints the SHA-256 of that listing.
 * A speed change to a detector should leave the digest unchanged; when it does not, {@code diff} of
 * two listings shows which texts moved. It then prints the SHA-256 of the texts as {@link Redactor}
 * redacts them (pseudonyms for people, a fixed secret), which also covers the operators and the
 * search for repeats of detected values. Scores are printed to six decimals so that a different but equivalent order of
 * floating-point additions does not count as a change. Usage: {@code java -cp lethe-bench.jar
 * dev.lethe.bench.redact.SpanDigest OUT.txt POSTS FILE...}.
 */
public final class SpanDigest {
  private SpanDigest() {}

  public static void main(String[] args) throws IOException, NoSuchAlgorithmException {
    if (args.length < 2) {
      System.err.println("usage: SpanDigest OUT.txt POSTS [LABELED_FILE...]");
      System.exit(2);
    }
    List<String> texts = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      for (LabeledText t : Datasets.read(Path.of(args[i]))) {
        texts.add(t.text());
      }
    }
    SocialPosts posts = SocialPosts.create(42);
    int n = Integer.parseInt(args[1]);
    for (int i = 0; i < n; i++) {
      texts.add(posts.next());
    }
    Detector detector = Detector.standard();
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (BufferedWriter out = Files.newBufferedWriter(Path.of(args[0]), StandardCharsets.UTF_8)) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < texts.size(); i++) {
        line.setLength(0);
        line.append(i);
        for (Span s : detector.detect(texts.get(i))) {
          line.append(' ').append(s.type()).append(':').append(s.start()).append('-').append(s.end())
              .append('@').append(String.format(Locale.ROOT, "%.6f", s.score()));
        }
        line.append('\n');
        String l = line.toString();
        out.write(l);
        sha.update(l.getBytes(StandardCharsets.UTF_8));
      }
    }
    System.out.printf(Locale.ROOT, "%d texts, spans sha256 %s%n", texts.size(), HexFormat.of().formatHex(sha.digest()));
    // The redacted texts too: what the operators and the repeat search make of the spans.
    Redactor redactor = Redactor.create(detector, RedactionPolicy.pseudonymousPeople(),
        "span-digest-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    MessageDigest redacted = MessageDigest.getInstance("SHA-256");
    for (String t : texts) {
      redacted.update(redactor.redact(t, DetectionContext.none()).text().getBytes(StandardCharsets.UTF_8));
      redacted.update((byte) '\n');
    }
    System.out.printf(Locale.ROOT, "%d texts, redacted sha256 %s%n", texts.size(), HexFormat.of().formatHex(redacted.digest()));
  }
}
