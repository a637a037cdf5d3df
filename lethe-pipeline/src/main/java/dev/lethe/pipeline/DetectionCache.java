package dev.lethe.pipeline;

import dev.lethe.redact.DetectionContext;
import dev.lethe.redact.Detector;
import dev.lethe.redact.EntityType;
import dev.lethe.redact.MemberDirectory;
import dev.lethe.redact.Span;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A detector that remembers what another detector found. Detection is a pure function of the
 * text, the member's country and the member directory, and successive snapshots (daily builds,
 * a rebuild that forgets one member) see mostly the same records, so each text is analysed once.
 * The directory is compared by identity: a new directory means new names, hence new answers.
 *
 * <p>Holds at most {@code maxEntries} results; past that it stops remembering (no eviction, so
 * no lock contention). Thread-safe.
 */
public final class DetectionCache implements Detector {

  private final Detector delegate;
  private final int maxEntries;
  private final ConcurrentHashMap<Key, List<Span>> results = new ConcurrentHashMap<>();
  private final AtomicInteger size = new AtomicInteger();

  private record Key(String text, Optional<String> country, MemberDirectory directory) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.text.equals(text) && k.country.equals(country) && k.directory == directory;
    }

    @Override
    public int hashCode() {
      return Objects.hash(text, country, System.identityHashCode(directory));
    }
  }

  private DetectionCache(Detector delegate, int maxEntries) {
    this.delegate = delegate;
    this.maxEntries = maxEntries;
  }

  /** Caches up to {@code maxEntries} results of {@code delegate}. */
  public static DetectionCache of(Detector delegate, int maxEntries) {
    Objects.requireNonNull(delegate, "delegate");
    if (maxEntries < 0) {
      throw new IllegalArgumentException("maxEntries must not be negative");
    }
    return new DetectionCache(delegate, maxEntries);
  }

  @Override
  public List<Span> detect(String text, DetectionContext context) {
    Key key = new Key(text, context.country(), context.directory());
    List<Span> known = results.get(key);
    if (known != null) {
      return known;
    }
    List<Span> found = List.copyOf(delegate.detect(text, context));
    if (size.get() < maxEntries && results.putIfAbsent(key, found) == null) {
      size.incrementAndGet();
    }
    return found;
  }

  @Override
  public Set<EntityType> types() {
    return delegate.types();
  }

  /** Number of remembered results. */
  public int size() {
    return size.get();
  }
}
