package dev.lethe.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.LedgerEvent;
import java.util.Objects;

/**
 * An event as stored.
 *
 * @param seq its append sequence number
 * @param event the decoded event
 * @param json its JSON as appended, unknown fields included (a fresh copy per call); purged if
 *     its member asked for erasure (see {@link LedgerStore})
 * @param clientId the client id it was appended with, or {@code null}
 * @param leafIndex the index of its audit-log leaf
 */
public record StoredEvent(long seq, LedgerEvent event, ObjectNode json, String clientId, long leafIndex) {
  public StoredEvent {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(json, "json");
  }
}
