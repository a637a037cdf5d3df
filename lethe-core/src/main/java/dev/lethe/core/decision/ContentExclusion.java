package dev.lethe.core.decision;

import dev.lethe.core.event.WireWord;

/** Why content of an allowed member is still left out of a snapshot, in the spec's order. */
public enum ContentExclusion implements WireWord {
  NOT_YET_POSTED("not-yet-posted"),
  CONTENT_DELETED("content-deleted"),
  KIND_EXCLUDED("kind-excluded"),
  VISIBILITY_EXCLUDED("visibility-excluded");

  private final String word;

  ContentExclusion(String word) {
    this.word = word;
  }

  @Override
  public String word() {
    return word;
  }
}
