package dev.lethe.unlearn.forget;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Where forgetting records its verifications: the audit log (a port, so unlearn needs no store). */
public interface AuditSink {

  /** Appends a record and returns its leaf index. */
  long record(String kind, ObjectNode payload);

  /** The audit log's keyed commitment for a member id (member ids never enter the log). */
  String commitment(String member);
}
