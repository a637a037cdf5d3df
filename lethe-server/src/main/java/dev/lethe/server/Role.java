package dev.lethe.server;

import java.util.Optional;

/** Who a caller is to Lethe; carried in the token's {@code role} claim. */
public enum Role {
  /** A member of the platform: reads and changes only their own data. */
  MEMBER("member"),
  /** An operator: publishes policies, reviews objections, may change a member's choice. */
  ADMIN("admin"),
  /**
   * An auditor: reads the audit views (log, proofs, checkpoints, keys, snapshots, models, the
   * compliance report) and the admin views, changes nothing, and is refused members' personal
   * data ({@code /v1/members/...}): verifying compliance does not need it (least privilege, as
   * the audit log itself hides member ids).
   */
  AUDITOR("auditor");

  private final String word;

  Role(String word) {
    this.word = word;
  }

  /** The role's word in tokens and on the command line. */
  public String word() {
    return word;
  }

  /** The role with this word, if any. */
  public static Optional<Role> fromWord(String word) {
    for (Role r : values()) {
      if (r.word.equals(word)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
