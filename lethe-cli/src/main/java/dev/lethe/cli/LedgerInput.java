package dev.lethe.cli;

import dev.lethe.core.ledger.LedgerFormatException;
import dev.lethe.core.ledger.LedgerLine;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.core.ledger.LedgerReader.LoadedLedger;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Opens a ledger file named on the command line; {@code -} is standard input. */
final class LedgerInput {

  private LedgerInput() {}

  /**
   * Loads and validates a ledger file.
   *
   * @throws LedgerFormatException for bad content (naming the line)
   * @throws IOException if the file cannot be read; the message is {@code NAME: reason}
   */
  static LoadedLedger load(String name, InputStream stdin) throws IOException, LedgerFormatException {
    return LedgerReader.load(read(name, stdin));
  }

  /**
   * Reads the lines of a ledger file, each a well-formed event, without checking how they fit
   * together.
   *
   * @throws LedgerFormatException for a line that is not an event
   * @throws IOException if the file cannot be read; the message is {@code NAME: reason}
   */
  static List<LedgerLine> read(String name, InputStream stdin) throws IOException, LedgerFormatException {
    return open(name, stdin, LedgerReader::read);
  }

  /**
   * Reads the lines of a ledger file one by one into {@code sink} ({@link LedgerReader#scan}),
   * without checking how they fit together or keeping them.
   *
   * @throws LedgerFormatException for a line that is not an event, or that {@code sink} refuses
   * @throws IOException if the file cannot be read; the message is {@code NAME: reason}
   */
  static void scan(String name, InputStream stdin, LedgerReader.LineSink sink) throws IOException, LedgerFormatException {
    open(name, stdin, in -> {
      LedgerReader.scan(in, sink);
      return null;
    });
  }

  /**
   * Loads and validates a ledger file keeping only its events ({@link LedgerReader#loadEvents}):
   * for commands that decide or list, which never need each line's JSON.
   *
   * @throws LedgerFormatException for bad content (naming the line)
   * @throws IOException if the file cannot be read; the message is {@code NAME: reason}
   */
  static LedgerReader.LoadedEvents loadEvents(String name, InputStream stdin) throws IOException, LedgerFormatException {
    return open(name, stdin, LedgerReader::loadEvents);
  }

  /** How a stream is read. */
  private interface Reading<T> {
    T from(InputStream in) throws IOException, LedgerFormatException;
  }

  private static <T> T open(String name, InputStream stdin, Reading<T> reading) throws IOException, LedgerFormatException {
    if (name.equals("-")) {
      try {
        return reading.from(stdin);
      } catch (IOException e) {
        throw new IOException("standard input: " + reason(e), e);
      }
    }
    Path path = Path.of(name);
    // Opening a directory succeeds on Linux and only the first read fails, with the bare
    // "Is a directory"; said here with the name.
    if (Files.isDirectory(path)) {
      throw new IOException(name + ": is a directory, not a ledger file");
    }
    try (InputStream in = Files.newInputStream(path)) {
      return reading.from(in);
    } catch (IOException e) {
      throw new IOException(name + ": " + reason(e), e);
    }
  }

  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    String message = e.getMessage();
    if (message == null || message.isEmpty()) {
      return "read error";
    }
    return Character.toLowerCase(message.charAt(0)) + message.substring(1);
  }
}
