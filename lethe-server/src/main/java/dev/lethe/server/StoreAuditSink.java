package dev.lethe.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.store.LedgerStore;
import dev.lethe.unlearn.forget.AuditSink;

/** The store's audit log as the forget runner's audit sink: verifications become leaves. */
public record StoreAuditSink(LedgerStore store) implements AuditSink {

  @Override
  public long record(String kind, ObjectNode payload) {
    return store.appendAuditRecord(kind, payload);
  }

  @Override
  public String commitment(String member) {
    return store.commitment(member);
  }
}
