package dev.lethe.redact;

import java.util.Collection;

/**
 * The names of a platform's own members, matched in text as whole words, ignoring case and
 * diacritics ("Zoë Müller" matches "zoe muller"). Built once per snapshot; immutable and safe for
 * concurrent use by any number of threads.
 */
public interface MemberDirectory {

  /** Number of distinct (normalised) names held. */
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

  /** A directory with no names. */
  static MemberDirectory empty() {
    return DirectoryMatcher.EMPTY;
  }
}
