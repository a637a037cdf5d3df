package dev.lethe.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lethe} command: decides, proves and enforces consent for AI training. */
@Command(
    name = "lethe",
    mixinStandardHelpOptions = true,
    versionProvider = Lethe.Version.class,
    description = "Decides, proves and enforces whether member data may be used to train AI models.")
public final class Lethe implements Runnable {

  /** Exit status for input that breaks the ledger format or a command's arguments. */
  static final int BAD_INPUT = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /** The command line with every subcommand wired, for {@link #main} and tests. */
  public static CommandLine newCommandLine() {
    CommandLine cli = new CommandLine(new Lethe());
    // One line per command, explicit wiring: the order here is the order of `lethe --help`.
    cli.addSubcommand(new DemoCommand());
    cli.addSubcommand(new ReplayCommand());
    cli.addSubcommand(new EligibleCommand());
    cli.addSubcommand(new DetectCommand());
    cli.addSubcommand(new RedactCommand());
    cli.addSubcommand(new RedactEvalCommand());
    cli.addSubcommand(new RedactTrainCommand());
    cli.addSubcommand(new ImportCommand(java.time.Clock.systemUTC()));
    cli.addSubcommand(new ExportCommand(java.time.Clock.systemUTC()));
    cli.addSubcommand(new DecideCommand(java.time.Clock.systemUTC()));
    cli.addSubcommand(AuditCommand.commandLine(java.time.Clock.systemUTC()));
    cli.addSubcommand(new BuildCommand(java.time.Clock.systemUTC()));
    cli.addSubcommand(new SnapshotsCommand());
    cli.addSubcommand(new WhereCommand(java.time.Clock.systemUTC()));
    cli.addSubcommand(new ServeCommand(java.time.Clock.systemUTC()));
    cli.addSubcommand(new TokenCommand(java.time.Clock.systemUTC()));
    cli.addSubcommand(new TrainCommand());
    cli.addSubcommand(new GenerateCommand());
    cli.addSubcommand(new PerplexityCommand());
    cli.addSubcommand(new ModelsCommand());
    cli.addSubcommand(new ForgetCommand(java.time.Clock.systemUTC()));
    cli.addSubcommand(new ForgetRunCommand(java.time.Clock.systemUTC()));
    cli.addSubcommand(new ForgetStatusCommand(java.time.Clock.systemUTC()));
    cli.addSubcommand(new VerifyForgettingCommand(java.time.Clock.systemUTC()));
    cli.addSubcommand(new CommandLine.HelpCommand());
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println("lethe: " + e);
          return CommandLine.ExitCode.SOFTWARE;
        });
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reads the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Lethe.class.getPackage().getImplementationVersion();
      return new String[] {"lethe " + (version == null ? "(development build)" : version)};
    }
  }
}
