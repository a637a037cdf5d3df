package dev.lethe.cli;

import dev.lethe.redact.nlp.PersonModelTrainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lethe redact-train -o MODEL TRAIN.conll...}: retrains the shipped PERSON model. */
@Command(
    name = "redact-train",
    mixinStandardHelpOptions = true,
    // One element per paragraph: picocli wraps each to the usage width. The first is the summary
    // 'lethe --help' lists; the example command is on lines of its own (%n), short enough for 80 columns.
    description = {
      "Trains the OpenNLP PERSON name finder from CoNLL training splits.",
      "",
      "The shipped model"
          + " lethe-redact/src/main/resources/dev/lethe/redact/nlp/en-person.bin was made with%n"
          + "  lethe redact-train -o <that path> \\%n"
          + "      shared/data/pii/wnut17/train.conll shared/data/pii/btc/train.conll",
      "",
      "Deterministic; takes about three minutes on one core."
    })
final class RedactTrainCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "TRAIN", description = "CoNLL files (token<TAB>BIO-tag).")
  List<Path> inputs;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "MODEL", description = "Model file to write.")
  Path output;

  @Option(names = "--iterations", defaultValue = "" + PersonModelTrainer.DEFAULT_ITERATIONS,
      description = "Maxent iterations (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--cutoff", defaultValue = "" + PersonModelTrainer.DEFAULT_CUTOFF,
      description = "Minimum feature count (default: ${DEFAULT-VALUE}).")
  int cutoff;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PersonModelTrainer.train(inputs, output, iterations, cutoff);
    spec.commandLine().getOut().println("wrote " + output);
    return CommandLine.ExitCode.OK;
  }
}
