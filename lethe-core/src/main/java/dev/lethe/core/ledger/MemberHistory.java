package dev.lethe.core.ledger;

import dev.lethe.core.event.Choice;
import dev.lethe.core.event.NameDigest;
import dev.lethe.core.event.Outcome;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Everything the ledger knows about one member, indexed for decisions at any instant. */
final class MemberHistory {
  final String member;
  final int number;
  final Instant registeredAt;
  final LocalDate birthDate;
  final String name;
  /** What erasure left of the name: its digest, or null. */
  final NameDigest nameDigest;
  final Timeline<String> countries = new Timeline<>();
  Instant closedAt;
  Instant erasureAt;
  /** Earliest notice instant by policy version: a later notice never helps more than the first. */
  final Map<String, Instant> firstNotice = new HashMap<>(4);
  final Map<String, Timeline<Choice>> choices = new HashMap<>(4);
  final Timeline<Boolean> gpc = new Timeline<>();
  final List<ObjectionHistory> objections = new ArrayList<>(0);

  MemberHistory(String member, int number, Instant registeredAt, LocalDate birthDate, String name,
      NameDigest nameDigest) {
    this.member = member;
    this.number = number;
    this.registeredAt = registeredAt;
    this.birthDate = birthDate;
    this.name = name;
    this.nameDigest = nameDigest;
  }

  /** One objection with its decisions in applied order. */
  static final class ObjectionHistory {
    final String objection;
    final String purpose;
    final Instant filedAt;
    final Timeline<Outcome> decisions = new Timeline<>();

    ObjectionHistory(String objection, String purpose, Instant filedAt) {
      this.objection = objection;
      this.purpose = purpose;
      this.filedAt = filedAt;
    }
  }
}
