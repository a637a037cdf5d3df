package dev.lethe.core.event;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The thirteen event types of the ledger format, with their wire words. */
public enum EventType {
  POLICY_PUBLISHED("policy.published"),
  MEMBER_REGISTERED("member.registered"),
  MEMBER_MOVED("member.moved"),
  MEMBER_CLOSED("member.closed"),
  NOTICE_SENT("notice.sent"),
  CONSENT_SET("consent.set"),
  GPC_SIGNAL("gpc.signal"),
  OBJECTION_FILED("objection.filed"),
  OBJECTION_DECIDED("objection.decided"),
  ERASURE_REQUESTED("erasure.requested"),
  CONTENT_POSTED("content.posted"),
  CONTENT_DELETED("content.deleted"),
  QUERY("query");

  private static final Map<String, EventType> BY_WORD =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(EventType::word, Function.identity()));

  private final String word;

  EventType(String word) {
    this.word = word;
  }

  /** The {@code type} value in the JSON Lines format. */
  public String word() {
    return word;
  }

  /** The type with the given wire word, or empty if the word names no type. */
  public static Optional<EventType> fromWord(String word) {
    return Optional.ofNullable(BY_WORD.get(word));
  }
}
