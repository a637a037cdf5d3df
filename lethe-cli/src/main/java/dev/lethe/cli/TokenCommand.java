package dev.lethe.cli;

import dev.lethe.server.Principal;
import dev.lethe.server.Role;
import dev.lethe.server.Tokens;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lethe token --member M | --role admin|auditor}: prints one bearer token, signed with the
 * embedded default's key under the data directory (created on first use).
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Prints a bearer token for a member or a role, signed with the data directory's server key.")
final class TokenCommand implements Callable<Integer> {

  @Option(names = "--data", paramLabel = "DIR", description = "Data directory holding the server key (default ~/.lethe).")
  Path data;

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
    Path dir = data != null ? data : Path.of(System.getProperty("user.home"), ".lethe");
    Tokens tokens = Tokens.hs256(Tokens.loadOrCreateSecret(dir), clock);
    spec.commandLine().getOut().println(tokens.issue(principal, ttl));
    spec.commandLine().getOut().flush();
    return CommandLine.ExitCode.OK;
  }

  /** The data directory a store option set points at (the key lives there even with --db). */
  static Path dataDir(StoreOptions store) {
    return store.data != null ? store.data : Path.of(System.getProperty("user.home"), ".lethe");
  }
}
