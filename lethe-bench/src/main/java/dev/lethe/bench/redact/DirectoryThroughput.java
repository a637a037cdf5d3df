package dev.lethe.bench.redact;

import dev.lethe.bench.text.SocialPosts;
import dev.lethe.core.event.ErasedNameKey;
import dev.lethe.core.event.NameDigest;
import dev.lethe.redact.DetectionContext;
import dev.lethe.redact.Detector;
import dev.lethe.redact.EntityType;
import dev.lethe.redact.MemberDirectory;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a member directory costs per post: the PERSON rules alone (no statistical name finder) on
 * {@link SocialPosts}, with no directory, with N members' display names (Aho–Corasick) and with N
 * erased members' name digests, on one thread by CPU time. The difference to the run without a
 * directory is the directory's cost. The names are runs of two or three capitalised words taken
 * from posts of another seed, so some occur in the timed posts, as members' names do; the spans
 * found with the names and with their digests are counted, and must be equal. Usage: {@code java
 * -cp lethe-bench.jar dev.lethe.bench.redact.DirectoryThroughput [POSTS] [NAMES]}.
 */
public final class DirectoryThroughput {
  private DirectoryThroughput() {}

  public static void main(String[] args) {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    SocialPosts gen = SocialPosts.create(42);
    List<String> posts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      posts.add(gen.next());
    }
    List<String> names = names(size);
    ErasedNameKey key = ErasedNameKey.derive("benchmark-deployment-secret".getBytes(StandardCharsets.UTF_8));
    List<NameDigest> digests = new ArrayList<>();
    names.forEach(n -> key.digest(n).ifPresent(digests::add));
    Detector detector = Detector.of(EnumSet.of(EntityType.PERSON), false);
    List<String> labels = List.of("no directory", size + " names", size + " erased names");
    List<DetectionContext> contexts = List.of(
        DetectionContext.none(),
        DetectionContext.none().withDirectory(MemberDirectory.of(names)),
        DetectionContext.none().withDirectory(MemberDirectory.of(List.of(), key, digests)));
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (int round = 0; round < 4; round++) { // the first round warms the JIT up
      for (int c = 0; c < contexts.size(); c++) {
        long c0 = mx.getCurrentThreadCpuTime();
        long spans = 0;
        for (String p : posts) {
          spans += detector.detect(p, contexts.get(c)).size();
        }
        double micros = (mx.getCurrentThreadCpuTime() - c0) / 1e3 / posts.size();
        if (round > 0) {
          System.out.printf(Locale.ROOT, "%-20s %6.2f us per post (CPU), %,d PERSON spans%n", labels.get(c), micros, spans);
        }
      }
    }
  }

  /**
   * {@code size} distinct names: runs of two or three capitalised words that follow each other in
   * posts of seed 99 (also what {@link RedactThroughput}'s directories hold).
   */
  static List<String> names(int size) {
    Set<String> names = new LinkedHashSet<>();
    SocialPosts gen = SocialPosts.create(99);
    while (names.size() < size) {
      String[] w = gen.next().split(" ");
      for (int i = 0; i + 1 < w.length && names.size() < size; i++) {
        if (capitalised(w[i]) && capitalised(w[i + 1])) {
          names.add(w[i] + " " + w[i + 1] + (i + 2 < w.length && capitalised(w[i + 2]) ? " " + w[i + 2] : ""));
        }
      }
    }
    return new ArrayList<>(names);
  }

  private static boolean capitalised(String word) {
    return word.length() > 1 && Character.isUpperCase(word.charAt(0)) && Character.isLowerCase(word.charAt(1));
  }
}
