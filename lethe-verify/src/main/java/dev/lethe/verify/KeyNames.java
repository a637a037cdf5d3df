package dev.lethe.verify;

/** The C2SP signed-note rule for key names, shared by verifier keys and signature lines. */
final class KeyNames {

  private KeyNames() {}

  /** A key name is non-empty and contains no whitespace and no '+'. */
  static boolean isValid(String name) {
    if (name.isEmpty()) {
      return false;
    }
    return name.codePoints().noneMatch(c -> c == '+' || Character.isWhitespace(c)
        || Character.isSpaceChar(c) || Character.isISOControl(c));
  }
}
