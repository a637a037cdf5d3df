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

  static final class Generator implements AdaptiveFeatureGenerator {
    @Override
    public void createFeatures(List<String> features, String[] tokens, int index, String[] previousOutcomes) {
      String t = tokens[index];
      if (!NameGazetteer.contains(t)) {
        return;
      }
      char c = t.charAt(0);
      String shape = Character.isUpperCase(c)
          ? (t.length() > 1 && Character.isUpperCase(t.charAt(1)) ? "caps" : "cap")
          : "low";
      features.add("gaz");
      features.add("gaz=" + shape);
      boolean prev = index > 0 && NameGazetteer.contains(tokens[index - 1]);
      boolean next = index + 1 < tokens.length && NameGazetteer.contains(tokens[index + 1]);
      if (prev || next) {
        features.add("gazpair=" + shape);
      }
    }
  }
}
