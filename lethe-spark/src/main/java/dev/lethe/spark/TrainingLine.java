package dev.lethe.spark;

import java.io.Serializable;

/** An included record on its way to its shard's writer: the member's number and the line. */
final class TrainingLine implements Serializable {

  private static final long serialVersionUID = 1L;

  int member;
  byte[] line;

  TrainingLine(int member, byte[] line) {
    this.member = member;
    this.line = line;
  }
}
