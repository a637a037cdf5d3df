package dev.lethe.redact.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Readers for the labeled formats of {@code shared/data/pii}: token-per-line CoNLL with BIO tags
 * (WNUT-17, Broad Twitter Corpus) and presidio-research's JSON list. Stateless; thread-safe.
 */
public final class Datasets {
  private Datasets() {}

  /** A tokenized sentence with BIO tags, as in the CoNLL files. */
  public record TaggedSentence(List<String> tokens, List<String> tags) {}

  /** Reads a file by its extension: {@code .json} as presidio-research, anything else as CoNLL. */
  public static List<LabeledText> read(Path file) throws IOException {
    return file.getFileName().toString().endsWith(".json") ? readPresidio(file) : readConll(file);
  }

  /**
   * CoNLL sentences. A lone {@code @} token is joined to the token after it ("@ name" becomes
   * "@name"), as the Broad Twitter Corpus splits mentions that way while WNUT-17 does not; the
   * joined token takes the name's tag, or the {@code @}'s when the name has none.
   */
  public static List<TaggedSentence> readConllSentences(Path file) throws IOException {
    List<TaggedSentence> out = new ArrayList<>();
    List<String> toks = new ArrayList<>();
    List<String> tags = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int lineNo = 0;
      for (String line; (line = r.readLine()) != null; ) {
        lineNo++;
        if (line.isBlank()) {
          if (!toks.isEmpty()) {
            out.add(join(toks, tags));
            toks = new ArrayList<>();
            tags = new ArrayList<>();
          }
          continue;
        }
        if (line.charAt(0) == '\t') {
          continue; // a token that was only invisible characters, kept empty by the corpus
        }
        int tab = line.lastIndexOf('\t');
        if (tab < 0) {
          tab = line.lastIndexOf(' ');
        }
        if (tab <= 0) {
          throw new IOException(file + ": line " + lineNo + ": not token<TAB>tag: " + line);
        }
        toks.add(line.substring(0, tab));
        tags.add(line.substring(tab + 1).trim());
      }
    }
    if (!toks.isEmpty()) {
      out.add(join(toks, tags));
    }
    return out;
  }

  private static TaggedSentence join(List<String> toks, List<String> tags) {
    List<String> t = new ArrayList<>();
    List<String> g = new ArrayList<>();
    for (int i = 0; i < toks.size(); i++) {
      if (toks.get(i).equals("@") && i + 1 < toks.size()) {
        String next = tags.get(i + 1);
        String tag = next.equals("O") ? tags.get(i) : next;
        if (tag.startsWith("I-") && tags.get(i).startsWith("B-")) {
          tag = tags.get(i);
        }
        t.add("@" + toks.get(i + 1));
        g.add(tag);
        i++;
      } else {
        t.add(toks.get(i));
        g.add(tags.get(i));
      }
    }
    return new TaggedSentence(List.copyOf(t), List.copyOf(g));
  }

  /** The Presidio name for a CoNLL tag's type. */
  public static String typeName(String conllType) {
    switch (conllType.toLowerCase(Locale.ROOT)) {
      case "person":
      case "per":
        return "PERSON";
      case "location":
      case "loc":
        return "LOCATION";
      case "corporation":
      case "org":
      case "group":
        return "ORGANIZATION";
      default:
        return conllType.toUpperCase(Locale.ROOT).replace('-', '_');
    }
  }

  /** CoNLL as texts: tokens joined by single spaces; spans are maximal B-/I- runs of one type. */
  public static List<LabeledText> readConll(Path file) throws IOException {
    List<LabeledText> out = new ArrayList<>();
    int n = 0;
    for (TaggedSentence s : readConllSentences(file)) {
      StringBuilder text = new StringBuilder();
      List<LabeledText.GoldSpan> gold = new ArrayList<>();
      int cp = 0;
      String openType = null;
      int openStart = 0;
      int openEnd = 0;
      for (int i = 0; i < s.tokens().size(); i++) {
        if (i > 0) {
          text.append(' ');
          cp++;
        }
        String tok = s.tokens().get(i);
        int start = cp;
        text.append(tok);
        cp += tok.codePointCount(0, tok.length());
        String tag = s.tags().get(i);
        String type = tag.length() > 2 && tag.charAt(1) == '-' ? typeName(tag.substring(2)) : null;
        boolean continues = type != null && tag.startsWith("I-") && type.equals(openType);
        if (!continues && openType != null) {
          gold.add(new LabeledText.GoldSpan(openType, openStart, openEnd));
          openType = null;
        }
        if (type != null) {
          if (!continues) {
            openType = type;
            openStart = start;
          }
          openEnd = cp;
        }
      }
      if (openType != null) {
        gold.add(new LabeledText.GoldSpan(openType, openStart, openEnd));
      }
      out.add(new LabeledText(file.getFileName() + "#" + n++, text.toString(), gold));
    }
    return out;
  }

  /**
   * presidio-research JSON: {@code [{full_text, spans:[{entity_type, start_position,
   * end_position}]}]}. Its positions are Python string indexes, i.e. code points.
   */
  public static List<LabeledText> readPresidio(Path file) throws IOException {
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    List<LabeledText> out = new ArrayList<>();
    int n = 0;
    if (!root.isArray()) {
      throw new IOException(file + ": expected a JSON array of {full_text, spans}");
    }
    for (JsonNode item : root) {
      if (!item.path("full_text").isTextual()) {
        throw new IOException(file + ": item " + n + ": no string full_text");
      }
      String text = item.path("full_text").asText();
      int length = text.codePointCount(0, text.length());
      List<LabeledText.GoldSpan> gold = new ArrayList<>();
      for (JsonNode sp : item.path("spans")) {
        JsonNode start = sp.path("start_position");
        JsonNode end = sp.path("end_position");
        if (!sp.path("entity_type").isTextual() || !start.canConvertToInt() || !end.canConvertToInt()
            || start.asInt() < 0 || start.asInt() > end.asInt() || end.asInt() > length) {
          throw new IOException(file + ": item " + n + ": span " + sp
              + " needs entity_type and 0 <= start_position <= end_position <= " + length);
        }
        gold.add(new LabeledText.GoldSpan(sp.path("entity_type").asText(), start.asInt(), end.asInt()));
      }
      out.add(new LabeledText(file.getFileName() + "#" + n++, text, gold));
    }
    return out;
  }
}
