package dev.lethe.server;

import java.util.List;

/**
 * The views used until the unlearning module is installed: no models, no forget requests, and
 * {@link #available()} false so that pages explain rather than suggest that nothing was trained.
 */
public final class NoUnlearn implements ModelLineage, ForgetQueueView {

  /** The single instance. */
  public static final NoUnlearn INSTANCE = new NoUnlearn();

  private NoUnlearn() {}

  @Override
  public boolean available() {
    return false;
  }

  @Override
  public List<ModelUse> modelsFor(String member) {
    return List.of();
  }

  @Override
  public List<ForgetRequest> requestsFor(String member) {
    return List.of();
  }

  @Override
  public List<ForgetRequest> openRequests() {
    return List.of();
  }
}
