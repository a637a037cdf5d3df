package dev.lethe.unlearn.forget;

import dev.lethe.unlearn.CanaryFormat;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

  /**
   * The canaries listed in a file ({@code [{"member", "canary", "prefix", "digits", "suffix"}]},
   * as the demo writes it); none if the file does not exist.
   *
   * @throws IOException if the file exists but cannot be read or is not such a list
   */
  public static List<PlantedCanary> read(Path file) throws IOException {
    List<PlantedCanary> out = new ArrayList<>();
    if (!Files.isRegularFile(file)) {
      return out;
    }
    JsonNode list = new ObjectMapper().readTree(file.toFile());
    if (list == null || !list.isArray()) {
      throw new IOException(file + ": expected a JSON list of canaries");
    }
    for (JsonNode c : list) {
      try {
        out.add(new PlantedCanary(c.get("member").asText(), c.get("canary").asText(),
            new CanaryFormat(c.get("prefix").asText(), c.get("digits").asInt(), c.path("suffix").asText(""))));
      } catch (RuntimeException e) {
        throw new IOException(file + ": malformed canary " + c + ": " + e.getMessage(), e);
      }
    }
    return out;
  }
}
