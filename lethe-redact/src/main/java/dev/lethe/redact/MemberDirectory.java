package dev.lethe.redact;

import dev.lethe.core.event.ErasedNameKey;
import dev.lethe.core.event.NameDigest;
import java.util.Collection;

/**
 * The names of a platform's own members, matched in text as whole words, ignoring case and
 * diacritics ("Zoë Müller" matches "zoe muller"). Built once per snapshot; immutable and safe for
 * concurrent use by any number of threads.
 */
public interface MemberDirectory {

  /** Number of distinct (normalised) names held, erased ones (distinct digests) included. */
  int size();

  /**
   * A directory of these display names. Null or blank entries are ignored; each name is matched
   * as a whole (a full name "Ada Lovelace" matches only the two words together).
   *
   * @throws NullPointerException if {@code names} is null
   */
  static MemberDirectory of(Collection<String> names) {
    return DirectoryMatcher.build(names);
  }

  /**
   * A directory of these display names and of erased members' names, held only as digests (see
   * lethe-core's {@link NameDigest}): a text mentioning an erased member is matched exactly where
   * the name itself would be.
   *
   * @param key the deployment's key the digests were made under
   * @throws IllegalArgumentException if a digest was made under another key: it could never
   *     match, and the erased member's name would go unprotected
   * @throws NullPointerException if an argument is null ({@code key} may be null when there are no
   *     digests)
   */
  static MemberDirectory of(Collection<String> names, ErasedNameKey key, Collection<NameDigest> erased) {
    return DirectoryMatcher.build(names, key, erased);
  }

  /** A directory with no names. */
  static MemberDirectory empty() {
    return DirectoryMatcher.EMPTY;
  }
}
