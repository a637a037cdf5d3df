package dev.lethe.unlearn.forget;

import dev.lethe.unlearn.CanaryFormat;
import java.util.Objects;

/**
 * A secret planted in a member's content (demo and test data): after the member is forgotten,
 * the model must not expose it.
 *
 * @param canary the exact string, e.g. {@code my pin is 493817}
 */
public record PlantedCanary(String member, String canary, CanaryFormat format) {
  public PlantedCanary {
    Objects.requireNonNull(member, "member");
    Objects.requireNonNull(canary, "canary");
    Objects.requireNonNull(format, "format");
  }
}
