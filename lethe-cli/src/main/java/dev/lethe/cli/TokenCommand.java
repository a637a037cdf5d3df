package dev.lethe.cli;

import dev.lethe.server.Principal;
import dev.lethe.store.LedgerStore;
import dev.lethe.store.StoreException;
import dev.lethe.store.StoreInUseException;
import dev.lethe.server.Role;
import dev.lethe.server.Tokens;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lethe token --member M | --role admin|auditor}: prints one bearer token, signed with the
 * server key under the data directory (created on first use). The store must exist, and a member
 * token is only for a member the ledger knows: a token for a mistyped id or directory would sign
 * in to nothing. While a running server holds the embedded store, the member is not checked (the
 * server refuses a token for a member it does not know) and a warning says so.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Prints a bearer token for a member or a role, signed with the data directory's server key.")
final class TokenCommand implements Callable<Integer> {

  @Mixin StoreOptions store;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Who who;

  static final class Who {
    @Option(names = "--member", paramLabel = "M", description = "A token for this member.")
    String member;

    @Option(names = "--role", paramLabel = "ROLE", description = "A token for the admin or auditor role.")
    String role;
  }

  @Option(names = "--ttl", defaultValue = "PT12H", paramLabel = "DURATION", description = "Validity, ISO-8601 (default ${DEFAULT-VALUE}).")
  Duration ttl;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Clock clock;

  TokenCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws Exception {
    Principal principal;
    if (who.member != null) {
      principal = Principal.member(who.member);
    } else {
      Role role = Role.fromWord(who.role).orElse(null);
      if (role == null || role == Role.MEMBER) {
        spec.commandLine().getErr().println("lethe: --role must be admin or auditor (use --member M for a member)");
        return Lethe.BAD_INPUT;
      }
      principal = Principal.of(role);
    }
    if (ttl.isNegative() || ttl.isZero()) {
      spec.commandLine().getErr().println("lethe: --ttl must be positive");
      return Lethe.BAD_INPUT;
    }
    if (who.member != null) {
      // Opening the store checks both that it exists and that the member is in it.
      try (LedgerStore ledger = store.open(clock)) {
        if (ledger.memberNumber(who.member).isEmpty()) {
          spec.commandLine().getErr().println("lethe: member \"" + who.member + "\" is not in the ledger");
          return Lethe.BAD_INPUT;
        }
      } catch (StoreInUseException e) {
        // A running server holds the embedded store: the check is a guard against typos, and the
        // server answers a token for a member it does not know with 404, so the token is issued.
        spec.commandLine().getErr().println("lethe: warning: member \"" + who.member + "\" not checked: " + e.getMessage()
            + "; a token for a member the ledger does not know opens nothing");
      } catch (StoreException e) {
        spec.commandLine().getErr().println("lethe: cannot check that member \"" + who.member + "\" is in the ledger: "
            + e.getMessage());
        return CommandLine.ExitCode.SOFTWARE;
      }
    } else {
      store.requireStore();
    }
    Path dir = store.dataDir();
    Tokens tokens = Tokens.hs256(Tokens.loadOrCreateSecret(dir), clock);
    spec.commandLine().getOut().println(tokens.issue(principal, ttl));
    spec.commandLine().getOut().flush();
    return CommandLine.ExitCode.OK;
  }
}
