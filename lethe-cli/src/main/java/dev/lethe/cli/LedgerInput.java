package dev.lethe.cli;

import dev.lethe.core.ledger.LedgerFormatException;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.core.ledger.LedgerReader.LoadedLedger;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Opens a ledger file named on the command line; {@code -} is standard input. */
final class LedgerInput {

  private LedgerInput() {}

  /**
   * Loads and validates a ledger file.
   *
   * @throws LedgerFormatException for bad content (naming the line)
   * @throws IOException if the file cannot be read; the message names the file
   */
  static LoadedLedger load(String name, InputStream stdin) throws IOException, LedgerFormatException {
    if (name.equals("-")) {
      return LedgerReader.load(stdin);
    }
    try (InputStream in = Files.newInputStream(Path.of(name))) {
      return LedgerReader.load(in);
    } catch (NoSuchFileException e) {
      throw new IOException("no such file: " + name, e);
    }
  }
}
