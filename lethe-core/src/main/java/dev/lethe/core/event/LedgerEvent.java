package dev.lethe.core.event;

import dev.lethe.core.policy.Policy;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * One event of the consent ledger, as defined by {@code spec/consent-ledger.md}.
 *
 * <p>Every event carries the instant {@link #at()} from which it takes effect. Events are
 * immutable values; the fields of each record are the event's required fields, validated
 * non-null at construction. Optional fields are {@code null} when absent (only
 * {@link MemberRegistered#name()} and {@link MemberRegistered#nameDigest()}).
 */
public sealed interface LedgerEvent {

  /** The instant the event happened (for a policy: when it was published, not when it governs). */
  Instant at();

  /** The event's {@code type} word in the JSON Lines format, for example {@code consent.set}. */
  EventType type();

  /** The member the event names, or {@code null} for events that name none. */
  default String member() {
    return null;
  }

  /** A policy version; it governs from {@link Policy#effective()} on. */
  record PolicyPublished(Instant at, Policy policy) implements LedgerEvent {
    public PolicyPublished {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(policy, "policy");
    }

    @Override
    public EventType type() {
      return EventType.POLICY_PUBLISHED;
    }
  }

  /**
   * A member exists from {@code at}; {@code name} (nullable) is the display name. {@code
   * nameDigest} (nullable, the {@code name_digest} field) is what the event keeps of the name once
   * the member asked for erasure ({@link Erasure}): redaction still looks for the name in other
   * members' posts through it.
   */
  record MemberRegistered(Instant at, String member, String country, LocalDate birthDate, String name,
      NameDigest nameDigest) implements LedgerEvent {
    public MemberRegistered {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(member, "member");
      Objects.requireNonNull(country, "country");
      Objects.requireNonNull(birthDate, "birthDate");
    }

    /** A registration as members make it: a name or none, no digest. */
    public MemberRegistered(Instant at, String member, String country, LocalDate birthDate, String name) {
      this(at, member, country, birthDate, name, null);
    }

    @Override
    public EventType type() {
      return EventType.MEMBER_REGISTERED;
    }
  }

  /** The member's country of residence changes from {@code at}. */
  record MemberMoved(Instant at, String member, String country) implements LedgerEvent {
    public MemberMoved {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(member, "member");
      Objects.requireNonNull(country, "country");
    }

    @Override
    public EventType type() {
      return EventType.MEMBER_MOVED;
    }
  }

  /** The member's account was closed. */
  record MemberClosed(Instant at, String member) implements LedgerEvent {
    public MemberClosed {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(member, "member");
    }

    @Override
    public EventType type() {
      return EventType.MEMBER_CLOSED;
    }
  }

  /** The member was told about the policy with the given version label. */
  record NoticeSent(Instant at, String member, String policyVersion) implements LedgerEvent {
    public NoticeSent {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(member, "member");
      Objects.requireNonNull(policyVersion, "policyVersion");
    }

    @Override
    public EventType type() {
      return EventType.NOTICE_SENT;
    }
  }

  /** An explicit choice of the member for a purpose. */
  record ConsentSet(Instant at, String member, String purpose, Choice choice, Source source)
      implements LedgerEvent {
    public ConsentSet {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(member, "member");
      Objects.requireNonNull(purpose, "purpose");
      Objects.requireNonNull(choice, "choice");
      Objects.requireNonNull(source, "source");
    }

    @Override
    public EventType type() {
      return EventType.CONSENT_SET;
    }
  }

  /** A Global Privacy Control opt-out signal was seen from the member's browser. */
  record GpcSignal(Instant at, String member) implements LedgerEvent {
    public GpcSignal {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(member, "member");
    }

    @Override
    public EventType type() {
      return EventType.GPC_SIGNAL;
    }
  }

  /** A Data Processing Objection Form, identified by {@code objection}. */
  record ObjectionFiled(Instant at, String objection, String member, String purpose, String reason)
      implements LedgerEvent {
    public ObjectionFiled {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(objection, "objection");
      Objects.requireNonNull(member, "member");
      Objects.requireNonNull(purpose, "purpose");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public EventType type() {
      return EventType.OBJECTION_FILED;
    }
  }

  /** The review outcome of an objection; an objection may be decided again. */
  record ObjectionDecided(Instant at, String objection, Outcome outcome, String justification)
      implements LedgerEvent {
    public ObjectionDecided {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(objection, "objection");
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(justification, "justification");
    }

    @Override
    public EventType type() {
      return EventType.OBJECTION_DECIDED;
    }
  }

  /** The member exercised the right to erasure. */
  record ErasureRequested(Instant at, String member) implements LedgerEvent {
    public ErasureRequested {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(member, "member");
    }

    @Override
    public EventType type() {
      return EventType.ERASURE_REQUESTED;
    }
  }

  /** Content posted by a member. */
  record ContentPosted(
      Instant at, String content, String member, String kind, Visibility visibility, String text)
      implements LedgerEvent {
    public ContentPosted {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(content, "content");
      Objects.requireNonNull(member, "member");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(visibility, "visibility");
      Objects.requireNonNull(text, "text");
    }

    @Override
    public EventType type() {
      return EventType.CONTENT_POSTED;
    }
  }

  /** Content deleted by its author. */
  record ContentDeleted(Instant at, String content) implements LedgerEvent {
    public ContentDeleted {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(content, "content");
    }

    @Override
    public EventType type() {
      return EventType.CONTENT_DELETED;
    }
  }

  /** Asks for a decision at {@code at}; never changes the ledger. */
  record Query(Instant at, String member, String purpose) implements LedgerEvent {
    public Query {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(member, "member");
      Objects.requireNonNull(purpose, "purpose");
    }

    @Override
    public EventType type() {
      return EventType.QUERY;
    }
  }
}
