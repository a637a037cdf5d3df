package dev.lethe.server;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * Delivers policy notices to members (e-mail, in-app message, ...). The outbox calls it and
 * records {@code notice.sent} only for notices it returned from without an exception, so a
 * sender is called at least once per notice and should tolerate a repeat.
 */
public interface NoticeSender {

  /**
   * Delivers the notices, all or none.
   *
   * @throws IOException if they could not be delivered; none is recorded as sent
   */
  void send(List<Notice> notices) throws IOException;

  /**
   * One notice.
   *
   * @param member the member told
   * @param policyVersion the policy version told about
   * @param effective when that version governs
   * @param createdAt when the outbox handed it over
   */
  record Notice(String member, String policyVersion, Instant effective, Instant createdAt) {}
}
