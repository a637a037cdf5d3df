package dev.lethe.server;

import dev.lethe.core.event.LedgerEvent;
import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerException;
import dev.lethe.core.ledger.LedgerFormatException;
import dev.lethe.core.ledger.LedgerLine;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.store.LedgerStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole ledger as lethe-core's {@link ConsentLedger}, rebuilt from the store's export when
 * the number of stored events changed. For admin and auditor views that need every member
 * (objection review, notice outbox, policy preview); member requests never use it, since a
 * rebuild costs a full export.
 */
final class LedgerView {

  private final LedgerStore store;
  private Loaded cached;

  LedgerView(LedgerStore store) {
    this.store = store;
  }

  /** The events in append order and the ledger built from them. */
  record Loaded(long eventCount, List<LedgerEvent> events, ConsentLedger ledger) {}

  synchronized Loaded current() {
    long count = store.eventCount();
    if (cached == null || cached.eventCount != count) {
      List<LedgerEvent> events = exportedEvents(store);
      try {
        cached = new Loaded(count, events, ConsentLedger.of(events));
      } catch (LedgerException e) {
        throw new IllegalStateException("the store exported a ledger lethe-core rejects: " + e.getMessage(), e);
      }
    }
    return cached;
  }

  /** Every stored event, in append order. */
  static List<LedgerEvent> exportedEvents(LedgerStore store) {
    StringWriter out = new StringWriter();
    try {
      store.export(out);
      List<LedgerLine> lines =
          LedgerReader.read(new ByteArrayInputStream(out.toString().getBytes(StandardCharsets.UTF_8)));
      List<LedgerEvent> events = new ArrayList<>(lines.size());
      lines.forEach(l -> events.add(l.event()));
      return events;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (LedgerFormatException e) {
      throw new IllegalStateException("the store exported a line lethe-core cannot read: " + e.getMessage(), e);
    }
  }
}
