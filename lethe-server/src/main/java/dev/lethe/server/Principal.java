package dev.lethe.server;

import java.util.Objects;

/**
 * An authenticated caller.
 *
 * @param role the caller's role
 * @param member the member id for {@link Role#MEMBER}, {@code null} for the other roles
 */
public record Principal(Role role, String member) {

  public Principal {
    Objects.requireNonNull(role, "role");
    if ((role == Role.MEMBER) != (member != null)) {
      throw new IllegalArgumentException("a member principal names a member, other roles none");
    }
  }

  /** A member acting on their own behalf. */
  public static Principal member(String member) {
    return new Principal(Role.MEMBER, Objects.requireNonNull(member, "member"));
  }

  /** An admin or an auditor. */
  public static Principal of(Role role) {
    return new Principal(role, null);
  }

  /** The token subject: the member id, or the role word. */
  public String subject() {
    return member != null ? member : role.word();
  }

  /**
   * Whether this caller may read the member's data: the member themself or an admin; never an
   * auditor, who verifies compliance from the audit views without members' personal data.
   */
  public boolean mayRead(String memberId) {
    return role == Role.ADMIN || (role == Role.MEMBER && member.equals(memberId));
  }

  /** Whether this caller may change the member's data (never an auditor). */
  public boolean mayChange(String memberId) {
    return role == Role.ADMIN || (role == Role.MEMBER && member.equals(memberId));
  }
}
