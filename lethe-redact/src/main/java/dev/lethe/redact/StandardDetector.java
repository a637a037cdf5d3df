package dev.lethe.redact;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

final class StandardDetector implements Detector {
  private static final class Holder {
    static final StandardDetector STANDARD = create(EnumSet.allOf(EntityType.class), true);
  }

  private final Set<EntityType> types;
  private final PatternScanner patterns;
  private final DateScanner dates = new DateScanner();
  private final AddressScanner addresses = new AddressScanner();
  private final NameCues nameCues = new NameCues();
  private final ListedNames listedNames = new ListedNames();
  private final PersonFinder persons;

  private StandardDetector(Set<EntityType> types, PersonFinder persons) {
    this.types = Collections.unmodifiableSet(EnumSet.copyOf(types));
    this.patterns = new PatternScanner(this.types);
    this.persons = persons;
  }

  static StandardDetector standard() {
    return Holder.STANDARD;
  }

  static StandardDetector create(Set<EntityType> types, boolean statisticalNames) {
    EnumSet<EntityType> t = types.isEmpty() ? EnumSet.noneOf(EntityType.class) : EnumSet.copyOf(types);
    boolean model = statisticalNames && t.contains(EntityType.PERSON);
    if (t.equals(EnumSet.allOf(EntityType.class)) && model && Holder.STANDARD != null) {
      return Holder.STANDARD;
    }
    return new StandardDetector(t, model ? PersonFinder.load() : null);
  }

  @Override
  public Set<EntityType> types() {
    return types;
  }

  @Override
  public List<Span> detect(String text, DetectionContext context) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(context, "context");
    if (text.isEmpty() || types.isEmpty()) {
      return List.of();
    }
    Hits hits = new Hits();
    // One copy of the chars for the passes that read every char: array reads are cheaper than
    // String.charAt, which checks the string's coding and bounds on every call.
    char[] chars = text.toCharArray();
    patterns.scan(text, chars, context, hits);
    if (types.contains(EntityType.DATE_TIME)) {
      dates.scan(text, chars, hits);
    }
    boolean person = types.contains(EntityType.PERSON);
    if (person || types.contains(EntityType.STREET_ADDRESS) || types.contains(EntityType.ZIP_CODE)) {
      Tokens tk = Tokens.of(text, chars);
      addresses.scan(tk, types, hits);
      if (person) {
        int from = hits.size;
        nameCues.scan(tk, hits);
        listedNames.scan(tk, hits);
        if (persons != null) {
          persons.find(tk, hits);
        }
        PersonVeto.review(tk, hits, from);
      }
    }
    if (person && context.directory() instanceof DirectoryMatcher dm) {
      dm.find(text, hits);
    }
    return toCodePoints(text, hits, resolve(hits));
  }

  /**
   * Non-overlapping spans (UTF-16 offsets) from the candidates: strongest first (score, then
   * length); a candidate overlapping only kept spans of its own type merges with them; one that
   * overlaps a kept span of another type is dropped.
   */
  static List<int[]> resolve(Hits h) {
    return h.size <= SMALL ? resolveFew(h) : resolveMany(h);
  }

  /** Up to this many candidates, {@link #resolveFew} (quadratic, without boxing) does the work. */
  private static final int SMALL = 64;

  /**
   * {@link #resolve} for a few candidates, the usual case: the same order and the same merging as
   * {@link #resolveMany}, with the kept spans in sorted arrays instead of a tree map.
   */
  static List<int[]> resolveFew(Hits h) {
    int n = h.size;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) { // stable insertion sort: score, then length, both descending
      int x = i;
      int j = i - 1;
      while (j >= 0 && stronger(h, x, order[j])) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = x;
    }
    int[] ks = new int[n];
    int[] ke = new int[n];
    int[] kw = new int[n];
    int m = 0;
    for (int idx : order) {
      int s = h.starts[idx];
      int e = h.ends[idx];
      // Kept spans are disjoint and sorted, so those overlapping [s, e) are the run [a, b).
      int a = 0;
      while (a < m && ke[a] <= s) {
        a++;
      }
      int b = a;
      boolean conflict = false;
      while (b < m && ks[b] < e) {
        if (h.types[kw[b]] != h.types[idx]) {
          conflict = true;
          break;
        }
        b++;
      }
      if (conflict) {
        continue;
      }
      int ms = s;
      int me = e;
      int winner = idx;
      if (b > a) {
        ms = Math.min(s, ks[a]);
        me = Math.max(e, ke[b - 1]);
        winner = kw[b - 1]; // keep the stronger earlier hit's score
      }
      // Replace [a, b) by the one merged span.
      int shift = 1 - (b - a);
      if (shift != 0) {
        System.arraycopy(ks, b, ks, b + shift, m - b);
        System.arraycopy(ke, b, ke, b + shift, m - b);
        System.arraycopy(kw, b, kw, b + shift, m - b);
        m += shift;
      }
      ks[a] = ms;
      ke[a] = me;
      kw[a] = winner;
    }
    List<int[]> out = new ArrayList<>(m);
    for (int i = 0; i < m; i++) {
      out.add(new int[] {ks[i], ke[i], kw[i]});
    }
    return out;
  }

  /** Whether hit x sorts before hit y: higher score, then longer. */
  private static boolean stronger(Hits h, int x, int y) {
    int c = Double.compare(h.scores[x], h.scores[y]);
    return c != 0 ? c > 0 : h.ends[x] - h.starts[x] > h.ends[y] - h.starts[y];
  }

  static List<int[]> resolveMany(Hits h) {
    Integer[] order = new Integer[h.size];
    for (int i = 0; i < h.size; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> {
      int c = Double.compare(h.scores[b], h.scores[a]);
      return c != 0 ? c : Integer.compare(h.ends[b] - h.starts[b], h.ends[a] - h.starts[a]);
    });
    // start -> {end, hit index}
    TreeMap<Integer, int[]> kept = new TreeMap<>();
    for (int idx : order) {
      int s = h.starts[idx];
      int e = h.ends[idx];
      Integer from = kept.floorKey(s);
      Map<Integer, int[]> overlapping = kept.subMap(from == null ? s : from, true, e, false);
      boolean conflict = false;
      int ms = s;
      int me = e;
      for (Map.Entry<Integer, int[]> o : overlapping.entrySet()) {
        if (o.getValue()[0] <= s) {
          continue;
        }
        if (h.types[o.getValue()[1]] != h.types[idx]) {
          conflict = true;
          break;
        }
        ms = Math.min(ms, o.getKey());
        me = Math.max(me, o.getValue()[0]);
      }
      if (conflict) {
        continue;
      }
      int winner = idx;
      for (Iterator<Map.Entry<Integer, int[]>> it = overlapping.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<Integer, int[]> o = it.next();
        if (o.getValue()[0] > s) {
          winner = o.getValue()[1]; // keep the stronger earlier hit's score
          it.remove();
        }
      }
      kept.put(ms, new int[] {me, winner});
    }
    List<int[]> out = new ArrayList<>(kept.size());
    for (Map.Entry<Integer, int[]> e : kept.entrySet()) {
      out.add(new int[] {e.getKey(), e.getValue()[0], e.getValue()[1]});
    }
    return out;
  }

  private static List<Span> toCodePoints(String text, Hits h, List<int[]> spans) {
    // spans are sorted by start and disjoint, so one forward walk converts all offsets.
    List<Span> out = new ArrayList<>(spans.size());
    int ci = 0;
    int cp = 0;
    for (int[] s : spans) {
      cp += text.codePointCount(ci, s[0]);
      int start = cp;
      cp += text.codePointCount(s[0], s[1]);
      ci = s[1];
      out.add(new Span(h.types[s[2]], start, cp, h.scores[s[2]]));
    }
    return out;
  }
}
