package dev.lethe.store;

/**
 * What an acknowledged append stored.
 *
 * @param seq the event's append sequence number (1, 2, ...)
 * @param leafIndex the index of its audit-log leaf
 * @param repeated true if the client id had already stored this very event, so nothing was added
 */
public record AppendResult(long seq, long leafIndex, boolean repeated) {

  AppendResult asRepeat() {
    return new AppendResult(seq, leafIndex, true);
  }
}
