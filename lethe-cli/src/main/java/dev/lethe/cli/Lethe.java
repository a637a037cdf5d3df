package dev.lethe.cli;

import dev.lethe.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.time.Clock;
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
    return newCommandLine(Clock.systemUTC());
  }

  /**
   * The command line on the given clock: commands that stamp events, sign tokens or check an
   * instant against now read it, so tests can fix "now".
   */
  static CommandLine newCommandLine(Clock clock) {
    CommandLine cli = new CommandLine(new Lethe());
    // One line per command, explicit wiring: the order here is the order of `lethe --help`.
    cli.addSubcommand(new DemoCommand());
    cli.addSubcommand(new ReplayCommand());
    cli.addSubcommand(new EligibleCommand());
    cli.addSubcommand(new DetectCommand());
    cli.addSubcommand(new RedactCommand());
    cli.addSubcommand(new RedactEvalCommand());
    cli.addSubcommand(new RedactTrainCommand());
    cli.addSubcommand(new ImportCommand(clock));
    cli.addSubcommand(new ExportCommand(clock));
    cli.addSubcommand(new DecideCommand(clock));
    cli.addSubcommand(AuditCommand.commandLine(clock));
    cli.addSubcommand(StoreCommand.commandLine(clock));
    cli.addSubcommand(new BuildCommand(clock));
    cli.addSubcommand(new SnapshotsCommand());
    cli.addSubcommand(new WhereCommand(clock));
    cli.addSubcommand(new ServeCommand(clock));
    cli.addSubcommand(new TokenCommand(clock));
    cli.addSubcommand(new TrainCommand());
    cli.addSubcommand(new GenerateCommand());
    cli.addSubcommand(new PerplexityCommand());
    cli.addSubcommand(new ModelsCommand());
    cli.addSubcommand(new ForgetCommand(clock));
    cli.addSubcommand(new ForgetRunCommand(clock));
    cli.addSubcommand(new ForgetStatusCommand(clock));
    cli.addSubcommand(new VerifyForgettingCommand(clock));
    cli.addSubcommand(new CommandLine.HelpCommand());
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println("lethe: " + describe(e));
          return e instanceof BadInput ? BAD_INPUT : CommandLine.ExitCode.SOFTWARE;
        });
    return cli;
  }

  /**
   * One line for a failure of the environment (a file system refusing, the store unreachable): the
   * file and the operating system's reason, without the Java exception's class name; a {@link
   * BadInput}, its message. Anything else is a defect: its message, followed by the exception's
   * simple class name in parentheses so that a report of it says what broke.
   */
  static String describe(Throwable e) {
    if (e instanceof UncheckedIOException u && u.getCause() != null) {
      return describe(u.getCause());
    }
    if (e instanceof FileSystemException f && f.getFile() != null) {
      String target = f.getOtherFile() == null ? f.getFile() : f.getFile() + " -> " + f.getOtherFile();
      return target + ": " + fileProblem(f);
    }
    if ((e instanceof IOException || e instanceof StoreException || e instanceof BadInput) && e.getMessage() != null) {
      return e.getMessage();
    }
    // A defect: its message, and the exception's kind for the report, but not Java's toString form.
    String kind = e.getClass().getSimpleName();
    return (e.getMessage() == null || e.getMessage().isBlank() ? "unexpected failure" : e.getMessage())
        + " (" + kind + "; an unexpected failure: please report it with the command that caused it)";
  }

  private static String fileProblem(FileSystemException f) {
    if (f instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (f instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (f instanceof FileAlreadyExistsException) {
      return "already exists";
    }
    if (f instanceof NotDirectoryException) {
      return "not a directory";
    }
    String reason = f.getReason();
    if (reason == null || reason.isEmpty()) {
      return "file system error";
    }
    // The JDK passes the C library's strerror text ("Not a directory", "No space left on device").
    return Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
  }

  @Override
  public void run() {
    throw missingSubcommand(spec);
  }

  /**
   * What a command that only groups subcommands does when run without one: picocli's usage error
   * (the message and the usage on standard error, exit status 2), as for any other missing
   * argument, so that a script that forgot the subcommand does not read as a success.
   */
  static CommandLine.ParameterException missingSubcommand(CommandLine.Model.CommandSpec spec) {
    return new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
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
