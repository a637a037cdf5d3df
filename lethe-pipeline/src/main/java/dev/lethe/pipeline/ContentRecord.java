package dev.lethe.pipeline;

import dev.lethe.core.event.Visibility;
import java.time.Instant;
import java.util.Objects;

/**
 * One item of member content offered to a snapshot build: a line of a platform's content export
 * or a {@code content.posted} event of the ledger.
 *
 * @param deletedAt when the author deleted it, or null if never
 */
public record ContentRecord(
    String content, String member, String kind, Visibility visibility, Instant postedAt, Instant deletedAt, String text) {

  public ContentRecord {
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(member, "member");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(visibility, "visibility");
    Objects.requireNonNull(postedAt, "postedAt");
    Objects.requireNonNull(text, "text");
  }
}
