package dev.lethe.store;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The process the crash test kills: appends events to an H2 store as fast as it can and prints
 * {@code ack <client id>} for each append only after the store acknowledged it.
 *
 * <p>Arguments: data directory, round number.
 */
public final class CrashChild {

  static final String POLICY =
      "{\"type\":\"policy.published\",\"at\":\"2024-01-01T00:00:00Z\",\"policy\":{\"version\":\"v1\","
          + "\"effective\":\"2024-01-01T00:00:00Z\",\"notice_days\":0,\"regions\":{},"
          + "\"purposes\":{\"genai-training\":{\"default\":\"opt-out\",\"min_age\":18,\"honor_gpc\":true,"
          + "\"content_kinds\":[\"post\"],\"visibility\":[\"public\"]}}}}";

  private CrashChild() {}

  static String registration(String member) {
    return "{\"type\":\"member.registered\",\"at\":\"2024-02-01T00:00:00Z\",\"member\":\"" + member
        + "\",\"country\":\"US\",\"birth_date\":\"1990-01-01\"}";
  }

  static String consent(String member) {
    return "{\"type\":\"consent.set\",\"at\":\"2024-02-02T00:00:00Z\",\"member\":\"" + member
        + "\",\"purpose\":\"genai-training\",\"choice\":\"grant\",\"source\":\"api\"}";
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, false, "UTF-8");
    int round = Integer.parseInt(args[1]);
    try (LedgerStore store = LedgerStore.open(StoreConfig.embedded(Path.of(args[0])))) {
      store.append(POLICY, "policy"); // every round: a repeat is a no-op
      out.println("ready");
      out.flush();
      for (int i = 0; ; i++) {
        String member = "r" + round + "-" + i;
        if (i % 4 == 3) {
          List<Append> batch = new ArrayList<>();
          List<String> ids = new ArrayList<>();
          for (int k = 0; k < 5; k++) {
            String m = member + "-" + k;
            batch.add(new Append(registration(m), "reg-" + m));
            batch.add(new Append(consent(m), "grant-" + m));
            ids.add("reg-" + m);
            ids.add("grant-" + m);
          }
          store.appendBatch(batch);
          for (String id : ids) {
            out.println("ack " + id);
          }
        } else {
          store.append(registration(member), "reg-" + member);
          out.println("ack reg-" + member);
        }
        out.flush();
        if (i % 5 == 4) {
          store.checkpoint();
        }
      }
    }
  }
}
