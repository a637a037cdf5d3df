package dev.lethe.pipeline.meta;

import io.openlineage.client.transports.HttpConfig;
import io.openlineage.client.transports.HttpTransport;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/** The client's HTTP transport, pointed at an OpenLineage consumer's lineage endpoint. */
final class HttpTransports {

  /** The endpoint path of Marquez and other OpenLineage HTTP consumers. */
  static final String LINEAGE_PATH = "/api/v1/lineage";

  private HttpTransports() {}

  static HttpTransport marquez(URI baseUrl, Duration timeout) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    HttpConfig config = new HttpConfig();
    // The client uses a URL that has a path as is, and otherwise appends its default endpoint;
    // giving the full endpoint always keeps a base URL's own path prefix (e.g. behind a proxy).
    config.setUrl(endpoint(baseUrl));
    config.setTimeoutInMillis(Math.toIntExact(timeout.toMillis()));
    return new HttpTransport(config);
  }

  static URI endpoint(URI baseUrl) {
    String base = baseUrl.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + LINEAGE_PATH);
  }
}
