package dev.lethe.cli;

import java.util.List;

/**
 * The start of the ledger the erasure tests share: an opt-out policy, two members of GB who were
 * notified, and one public post each, the second naming the first ("Jane Quillfeather"), whose
 * name must stay redacted in other members' posts after her erasure.
 */
final class ErasureStory {
  static final String NAME = "Jane Quillfeather";
  static final String TEXT = "jane here, my pin is 48213";

  /** Events e1 to e7, one JSON line each. */
  static final List<String> BEFORE_ERASURE = List.of(
      "{\"id\":\"e1\",\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\","
          + "\"effective\":\"2024-01-01T00:00:00Z\",\"notice_days\":0,\"regions\":{},\"purposes\":{"
          + "\"genai-training\":{\"title\":\"t\",\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,\"objectable\":true,"
          + "\"content_kinds\":[\"post\"],\"visibility\":[\"public\"]}}}}",
      "{\"id\":\"e2\",\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"jane\",\"country\":\"GB\","
          + "\"birth_date\":\"1990-01-01\",\"name\":\"" + NAME + "\"}",
      "{\"id\":\"e3\",\"type\":\"member.registered\",\"at\":\"2024-01-02T00:00:00Z\",\"member\":\"omar\",\"country\":\"GB\","
          + "\"birth_date\":\"1985-05-05\",\"name\":\"Omar Stay\"}",
      "{\"id\":\"e4\",\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"jane\",\"policy_version\":\"v1\"}",
      "{\"id\":\"e5\",\"type\":\"notice.sent\",\"at\":\"2024-01-03T00:00:00Z\",\"member\":\"omar\",\"policy_version\":\"v1\"}",
      "{\"id\":\"e6\",\"type\":\"content.posted\",\"at\":\"2024-01-05T00:00:00Z\",\"content\":\"j1\",\"member\":\"jane\","
          + "\"kind\":\"post\",\"visibility\":\"public\",\"text\":\"" + TEXT + "\"}",
      "{\"id\":\"e7\",\"type\":\"content.posted\",\"at\":\"2024-01-05T00:00:00Z\",\"content\":\"o1\",\"member\":\"omar\","
          + "\"kind\":\"post\",\"visibility\":\"public\",\"text\":\"omar likes trains, says jane quillfeather\"}");

  /** Jane's erasure request, as event {@code id} on 2024-03-01. */
  static String erasure(String id) {
    return "{\"id\":\"" + id + "\",\"type\":\"erasure.requested\",\"at\":\"2024-03-01T00:00:00Z\",\"member\":\"jane\"}";
  }

  private ErasureStory() {}
}
