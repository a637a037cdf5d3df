package dev.lethe.store;

import dev.lethe.core.ledger.LedgerLine;
import dev.lethe.core.ledger.LedgerReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The public conformance scenarios of lethe-core (from its test jar), as raw lines and parsed events. */
final class Scenarios {

  /** One scenario file. */
  record Scenario(String name, List<String> rawLines, List<LedgerLine> lines) {
    @Override
    public String toString() {
      return name;
    }
  }

  private Scenarios() {}

  static List<Scenario> all() {
    try {
      URL readme = Scenarios.class.getClassLoader().getResource("scenarios/README.md");
      if (readme == null) {
        throw new IllegalStateException("lethe-core's test jar with scenarios/ is not on the test class path");
      }
      URI uri = readme.toURI();
      Path root;
      if (uri.getScheme().equals("jar")) {
        FileSystem fs;
        try {
          fs = FileSystems.newFileSystem(uri, Map.of());
        } catch (FileSystemAlreadyExistsException e) {
          fs = FileSystems.getFileSystem(uri);
        }
        root = fs.getPath("/scenarios");
      } else {
        root = Path.of(uri).getParent();
      }
      List<Scenario> out = new ArrayList<>();
      try (Stream<Path> files = Files.walk(root)) {
        for (Path p : files.sorted().toList()) {
          String name = root.relativize(p).toString();
          if (name.endsWith(".jsonl") && !name.endsWith(".expected.jsonl")) {
            List<String> raw = Files.readAllLines(p, StandardCharsets.UTF_8);
            List<LedgerLine> lines;
            try (InputStream in = Files.newInputStream(p)) {
              lines = LedgerReader.read(in);
            }
            out.add(new Scenario(name, raw, lines));
          }
        }
      }
      if (out.size() < 40) {
        throw new IllegalStateException("expected the ~51 public scenarios, found " + out.size());
      }
      return out;
    } catch (IOException | URISyntaxException | dev.lethe.core.ledger.LedgerFormatException e) {
      throw new IllegalStateException("cannot read the scenarios", e);
    }
  }
}
