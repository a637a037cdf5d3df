package dev.lethe.server;

import java.time.Instant;
import java.util.List;

/**
 * The forget requests (withdrawals and erasures turned into retraining work) as the server shows
 * them: to the member whose data it is, and to admins as a queue. Read-only; the unlearning module
 * provides the real implementation.
 */
public interface ForgetQueueView {

  /** Whether forget requests are tracked on this deployment at all. */
  boolean available();

  /** The member's forget requests, oldest first. */
  List<ForgetRequest> requestsFor(String member);

  /** Every open forget request, earliest deadline first. */
  List<ForgetRequest> openRequests();

  /**
   * One forget request.
   *
   * @param id the request id
   * @param member the member whose data is to be forgotten
   * @param cause {@code withdrawal} or {@code erasure}
   * @param requestedAt when it was created
   * @param deadline when the law requires it done
   * @param status e.g. {@code queued}, {@code retraining}, {@code done}
   */
  record ForgetRequest(String id, String member, String cause, Instant requestedAt, Instant deadline, String status) {}
}
