package dev.lethe.redact.nlp;

import java.util.List;
import opennlp.tools.util.featuregen.AdaptiveFeatureGenerator;
import opennlp.tools.util.featuregen.GeneratorFactory;

/**
 * OpenNLP feature generator factory named in the person model's descriptor: marks tokens found
 * in the {@link NameGazetteer}, together with their capitalisation, so the model can learn how much
 * a list hit is worth. Public only because OpenNLP instantiates it by class name when the model is
 * loaded; not part of Lethe's API.
 */
public final class GazetteerFeatureGeneratorFactory
    extends GeneratorFactory.AbstractXmlFeatureGeneratorFactory {

  @Override
  public AdaptiveFeatureGenerator create() {
    return new Generator();
  }

  /**
   * The capitalisation the feature reports for a listed token: {@code caps} (two leading capitals),
   * {@code cap} or {@code low}. Shared with Lethe's own evaluator of the model.
   */
  public static String shape(String token) {
    char c = token.charAt(0);
    if (!Character.isUpperCase(c)) {
      return "low";
    }
    return token.length() > 1 && Character.isUpperCase(token.charAt(1)) ? "caps" : "cap";
  }

  /**
   * Not thread-safe: OpenNLP makes one per context generator, and Lethe keeps one context
   * generator per thread. The window around it asks about each token up to three times per
   * candidate, so list look-ups are remembered for the sentence at hand.
   */
  static final class Generator implements AdaptiveFeatureGenerator {
    private String[] sentence;
    private byte[] listed; // 0 not looked up, 1 not listed, 2 listed

    @Override
    public void createFeatures(List<String> features, String[] tokens, int index, String[] previousOutcomes) {
      if (!listed(tokens, index)) {
        return;
      }
      String shape = shape(tokens[index]);
      features.add("gaz");
      features.add("gaz=" + shape);
      boolean prev = index > 0 && listed(tokens, index - 1);
      boolean next = index + 1 < tokens.length && listed(tokens, index + 1);
      if (prev || next) {
        features.add("gazpair=" + shape);
      }
    }

    private boolean listed(String[] tokens, int i) {
      if (tokens != sentence) {
        sentence = tokens;
        listed = new byte[tokens.length];
      }
      if (listed[i] == 0) {
        listed[i] = (byte) (NameGazetteer.contains(tokens[i]) ? 2 : 1);
      }
      return listed[i] == 2;
    }
  }
}
