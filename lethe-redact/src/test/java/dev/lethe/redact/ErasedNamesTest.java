package dev.lethe.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.core.event.ErasedNameKey;
import dev.lethe.core.event.NameDigest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Erased members' names, held as digests, are found exactly where the names themselves are. */
class ErasedNamesTest {
  private static final ErasedNameKey KEY = ErasedNameKey.derive("erased-names-test-secret".getBytes(StandardCharsets.UTF_8));

  /** Words that make names and texts collide often: shared first names, accents, case, punctuation. */
  private static final List<String> WORDS = List.of(
      "Ada", "ada", "ADA", "Lovelace", "Zoë", "zoe", "Müller", "muller", "Jean-Luc", "O'Neill", "Bo", "bob",
      "Łukasz", "lukasz", "Nguyễn", "Van", "van", "de", "la", "x", "42", "_", "李", "Ωmega");
  private static final List<String> GLUE = List.of(" ", "  ", "\n", "\t ", ", ", ". ", "-", "'", "(", ")", "@", "#", "", "/");

  @Provide
  Arbitrary<List<String>> names() {
    Arbitrary<String> name = Arbitraries.of(WORDS).list().ofMinSize(1).ofMaxSize(4)
        .map(ws -> String.join(" ", ws));
    return name.list().ofMinSize(1).ofMaxSize(6);
  }

  @Provide
  Arbitrary<String> texts() {
    Arbitrary<String> piece = Combinators.combine(Arbitraries.of(WORDS), Arbitraries.of(GLUE)).as((w, g) -> w + g);
    return piece.list().ofMaxSize(30).map(ps -> String.join("", ps));
  }

  @Property(tries = 1000)
  void digestsMatchWhereTheNamesMatch(@ForAll("names") List<String> names, @ForAll("texts") String text) {
    List<NameDigest> digests = new ArrayList<>();
    names.forEach(n -> KEY.digest(n).ifPresent(digests::add));
    Set<String> plain = hits(DirectoryMatcher.build(names), text);
    Set<String> hashed = hits(DirectoryMatcher.build(List.of(), KEY, digests), text);
    assertThat(hashed).as("names %s in %s", names, text).isEqualTo(plain);
    Set<String> both = hits(DirectoryMatcher.build(names, KEY, digests), text);
    assertThat(both).isEqualTo(plain);
  }

  @Example
  void aMentionOfAnErasedMemberIsRedactedWithoutTheName() {
    NameDigest zoe = KEY.digest("Zoë Müller").orElseThrow();
    MemberDirectory dir = MemberDirectory.of(List.of("Bo Diddley"), KEY, List.of(zoe));
    assertThat(dir.size()).isEqualTo(2);
    DetectionContext ctx = DetectionContext.none().withDirectory(dir);
    Detector d = Detector.of(EnumSet.of(EntityType.PERSON), false);
    List<String> found = new ArrayList<>();
    String text = "cc ZOE\n\tMULLER and bo diddley, not zoe mullerx";
    for (Span s : d.detect(text, ctx)) {
      found.add(text.substring(s.start(), s.end()));
    }
    assertThat(found).containsExactly("ZOE\n\tMULLER", "bo diddley");
  }

  @Example
  void aNameWithPunctuationAtItsEndsIsLookedForWithoutIt() {
    NameDigest ada = KEY.digest("(Ada Lovelace).").orElseThrow();
    DirectoryMatcher m = DirectoryMatcher.build(List.of(), KEY, List.of(ada));
    assertThat(hits(m, "met ada lovelace, and (Ada Lovelace). again; not ada lovelacex or xada lovelace"))
        .containsExactly("23-35", "4-16");
  }

  @Example
  void aDigestMadeUnderAnotherKeyIsRefused() {
    ErasedNameKey other = ErasedNameKey.derive("some other deployment".getBytes(StandardCharsets.UTF_8));
    NameDigest theirs = other.digest("Jane Roe").orElseThrow();
    assertThatThrownBy(() -> MemberDirectory.of(List.of(), KEY, List.of(theirs)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(other.id());
  }

  private static Set<String> hits(DirectoryMatcher m, String text) {
    Hits h = new Hits();
    m.find(text, h);
    Set<String> out = new TreeSet<>();
    for (int i = 0; i < h.size; i++) {
      out.add(h.starts[i] + "-" + h.ends[i]);
    }
    return out;
  }
}
