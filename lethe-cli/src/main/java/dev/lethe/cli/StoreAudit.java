package dev.lethe.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.store.LedgerStore;
import dev.lethe.unlearn.forget.AuditSink;

/** The store's audit log as the forget scheduler's audit sink. */
record StoreAudit(LedgerStore store) implements AuditSink {

  @Override
  public long record(String kind, ObjectNode payload) {
    return store.appendAuditRecord(kind, payload);
  }

  @Override
  public String commitment(String member) {
    return store.commitment(member);
  }
}
