package dev.lethe.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lethe.core.event.EventCodec;
import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.ledger.LedgerReader;
import java.util.Objects;

/**
 * One event to append: its JSON text (one ledger line; unknown fields are kept) and an optional
 * client id that makes the append idempotent.
 *
 * @param json the event as one JSON object
 * @param clientId the client's id for this event, or {@code null}; at most 200 characters
 */
public record Append(String json, String clientId) {

  public Append {
    Objects.requireNonNull(json, "json");
    if (clientId != null && (clientId.isEmpty() || clientId.length() > 200)) {
      throw new IllegalArgumentException("a client id has 1 to 200 characters");
    }
  }

  /** An append without client id. */
  public static Append of(String json) {
    return new Append(json, null);
  }

  /** The append of an event value in the ledger format. */
  public static Append of(LedgerEvent event, String clientId) {
    try {
      return new Append(LedgerReader.mapper().writeValueAsString(EventCodec.encode(event)), clientId);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an encoded event is always writable", e);
    }
  }
}
