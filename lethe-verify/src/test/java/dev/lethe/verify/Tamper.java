package dev.lethe.verify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Test-only edits of a written bundle, the way an attacker with file access would make them. */
final class Tamper {

  private Tamper() {}

  /** Sets byte {@code position} of leaf {@code index} in leaves.jsonl to {@code value}. */
  static void setLeafByte(Path dir, int index, int position, byte value) {
    Path file = dir.resolve("leaves.jsonl");
    byte[] bytes = read(file);
    int offset = lineStart(bytes, index) + position;
    bytes[offset] = value;
    write(file, bytes);
  }

  /** Removes line {@code index} of a line-oriented bundle file. */
  static void dropLine(Path dir, String fileName, int index) {
    List<String> lines = lines(dir.resolve(fileName));
    lines.remove(index);
    writeLines(dir.resolve(fileName), lines);
  }

  /** Swaps lines {@code i} and {@code j} of a line-oriented bundle file. */
  static void swapLines(Path dir, String fileName, int i, int j) {
    List<String> lines = lines(dir.resolve(fileName));
    Collections.swap(lines, i, j);
    writeLines(dir.resolve(fileName), lines);
  }

  /** Replaces line {@code index} of a line-oriented bundle file. */
  static void replaceLine(Path dir, String fileName, int index, String line) {
    List<String> lines = lines(dir.resolve(fileName));
    lines.set(index, line);
    writeLines(dir.resolve(fileName), lines);
  }

  /** Rewrites a file with CRLF line endings, as a text-mode copy on Windows would. */
  static void toCrlf(Path dir, String fileName) {
    Path file = dir.resolve(fileName);
    writeString(file, readString(file).replace("\n", "\r\n"));
  }

  static String readString(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void writeString(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int lineStart(byte[] bytes, int index) {
    int offset = 0;
    for (int line = 0; line < index; line++) {
      while (bytes[offset] != '\n') {
        offset++;
      }
      offset++;
    }
    return offset;
  }

  private static List<String> lines(Path file) {
    try {
      return new ArrayList<>(Files.readAllLines(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeLines(Path file, List<String> lines) {
    StringBuilder text = new StringBuilder();
    lines.forEach(l -> text.append(l).append('\n'));
    writeString(file, text.toString());
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, byte[] bytes) {
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
