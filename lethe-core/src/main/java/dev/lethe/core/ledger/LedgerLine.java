package dev.lethe.core.ledger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.core.event.LedgerEvent;
import java.util.Objects;

/**
 * One event as read from a JSON Lines file.
 *
 * @param line 1-based line number in its file
 * @param event the decoded event
 * @param json the line's JSON object, unknown fields included (kept for export)
 */
public record LedgerLine(int line, LedgerEvent event, ObjectNode json) {
  public LedgerLine {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(json, "json");
  }
}
