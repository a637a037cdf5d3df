package dev.lethe.pipeline.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class CroissantMetadataTest {

  private static final ObjectMapper SORTED =
      JsonMapper.builder().enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED).build();

  private static final CroissantMetadata.Publication PUBLICATION =
      new CroissantMetadata.Publication(
          "https://spdx.org/licenses/CC-BY-4.0.html",
          "https://datasets.example.org/lethe/genai-training",
          "Example Platform Ltd",
          LocalDate.of(2024, 10, 1));

  @Test
  void validatesAgainstTheCroissantSchema() {
    ObjectNode doc = CroissantMetadata.of(Fixtures.snapshot(), PUBLICATION);

    assertThat(Schemas.croissantErrors(doc)).isEmpty();
  }

  @Test
  void declaresCroissantAndRaiConformanceAndTheContextPrefixes() {
    ObjectNode doc = CroissantMetadata.of(Fixtures.snapshot(), PUBLICATION);

    assertThat(doc.get("@type").asText()).isEqualTo("sc:Dataset");
    assertThat(texts(doc.get("conformsTo")))
        .containsExactly("http://mlcommons.org/croissant/1.0", "http://mlcommons.org/croissant/RAI/1.0");
    JsonNode ctx = doc.get("@context");
    assertThat(ctx.get("cr").asText()).isEqualTo("http://mlcommons.org/croissant/");
    assertThat(ctx.get("rai").asText()).isEqualTo("http://mlcommons.org/croissant/RAI/");
    assertThat(ctx.get("sc").asText()).isEqualTo("https://schema.org/");
    assertThat(ctx.get("dct").asText()).isEqualTo("http://purl.org/dc/terms/");
    assertThat(ctx.get("lethe").asText()).isEqualTo("https://lethe.dev/ns/consent#");
    assertThat(doc.get("license").asText()).isEqualTo(PUBLICATION.license());
    assertThat(doc.get("datePublished").asText()).isEqualTo("2024-10-01");
  }

  @Test
  void describesOneFileObjectPerShardAndAFileSetFeedingTheRecordFields() {
    SnapshotMetadata m = Fixtures.snapshot();
    ObjectNode doc = CroissantMetadata.of(m, PUBLICATION);

    ArrayNode dist = (ArrayNode) doc.get("distribution");
    assertThat(dist).hasSize(m.shards().size() + 1);
    for (int i = 0; i < m.shards().size(); i++) {
      SnapshotMetadata.Shard s = m.shards().get(i);
      JsonNode f = dist.get(i);
      assertThat(f.get("@type").asText()).isEqualTo("cr:FileObject");
      assertThat(f.get("contentUrl").asText()).isEqualTo(s.file());
      assertThat(f.get("sha256").asText()).isEqualTo(s.sha256());
      assertThat(f.get("contentSize").asText()).isEqualTo(s.bytes() + " B");
      assertThat(f.get("encodingFormat").asText()).isEqualTo("application/jsonlines+zstd");
    }
    JsonNode set = dist.get(m.shards().size());
    assertThat(set.get("@type").asText()).isEqualTo("cr:FileSet");
    assertThat(set.get("includes").asText()).isEqualTo("shard-*.jsonl.zst");

    JsonNode fields = doc.get("recordSet").get(0).get("field");
    assertThat(fields).extracting(f -> f.get("name").asText()).containsExactly("content", "kind", "text");
    for (JsonNode f : fields) {
      assertThat(f.get("dataType").asText()).isEqualTo("sc:Text");
      assertThat(f.at("/source/fileSet/@id").asText()).isEqualTo(set.get("@id").asText());
      assertThat(f.at("/source/extract/column").asText()).isEqualTo(f.get("name").asText());
    }
    assertThatReferencesResolve(doc);
  }

  @Test
  void raiTextsStateTheFactsOfTheSnapshot() {
    ObjectNode doc = CroissantMetadata.of(Fixtures.snapshot(), PUBLICATION);

    assertThat(doc.get("rai:dataCollection").asText())
        .contains("2024-10-01T00:00:00Z", "'genai-training'", "consent policy version 2024-09-18")
        .contains("Only members whom the consent policy allows at the as-of instant contribute records")
        .contains("'forgotten-since-as-of'")
        .doesNotContain("if and only if");
    assertThat(doc.get("rai:dataCollectionMissingData").asText())
        .contains("jurisdiction-blocked: 310 records", "minor: 12 records", "malformed: 2 records")
        .contains("Total excluded: 446.");
    String pii = texts(doc.get("rai:personalSensitiveInformation")).toString();
    assertThat(pii)
        .contains("EMAIL: 20 spans", "PERSON: 88 spans", "PHONE: 7 spans")
        .contains("Private messages (kind 'message') are never included")
        .contains("member identifiers are never written");
    for (String key :
        List.of(
            "rai:dataCollectionType",
            "rai:dataPreprocessingProtocol",
            "rai:dataUseCases",
            "rai:dataLimitations",
            "rai:dataSocialImpact",
            "rai:dataBiases",
            "rai:dataReleaseMaintenancePlan")) {
      assertThat(doc.has(key)).as(key).isTrue();
    }
  }

  @Test
  void carriesTheConsentStateInLethesNamespace() {
    ObjectNode doc = CroissantMetadata.of(Fixtures.snapshot(), PUBLICATION);

    assertThat(doc.get("lethe:snapshot").asText()).isEqualTo(Fixtures.SNAPSHOT);
    assertThat(doc.get("lethe:policyVersion").asText()).isEqualTo("2024-09-18");
    assertThat(doc.get("lethe:asOf").asText()).isEqualTo("2024-10-01T00:00:00Z");
    assertThat(doc.get("lethe:purpose").asText()).isEqualTo("genai-training");
    assertThat(doc.get("lethe:included").asLong()).isEqualTo(1234);
    assertThat(doc.get("lethe:excluded"))
        .extracting(e -> e.get("lethe:reason").asText() + "=" + e.get("lethe:records").asLong())
        .containsExactly(
            "jurisdiction-blocked=310",
            "kind-excluded=40",
            "malformed=2",
            "minor=12",
            "visibility-excluded=77",
            "withdrawn=5");
    assertThat(doc.get("lethe:redactions")).hasSize(3);
  }

  @Test
  void withNoPolicyInForceSaysSoAndOmitsTheVersion() {
    SnapshotMetadata s = Fixtures.snapshot();
    SnapshotMetadata none =
        new SnapshotMetadata(
            s.snapshot(), s.purpose(), null, s.asOf(), null, s.contentKinds(), s.visibility(), 0,
            Map.of("no-policy", 9L).entrySet().stream()
                .collect(TreeMap::new, (t, e) -> t.put(e.getKey(), e.getValue()), TreeMap::putAll),
            new TreeMap<>(), s.redactionPolicy(), List.of(), s.inputs(), s.encoding());

    ObjectNode doc = CroissantMetadata.of(none, PUBLICATION);

    assertThat(doc.has("lethe:policyVersion")).isFalse();
    assertThat(doc.get("description").asText()).contains("no consent policy in force");
    // An empty snapshot has no shard files, but the file set still describes where shards are,
    // so the distribution Croissant requires is never empty.
    assertThat(Schemas.croissantErrors(doc)).isEmpty();
  }

  @Test
  void theSchemaRejectsDocumentsThatBreakTheSpec() {
    ObjectNode noConformance = CroissantMetadata.of(Fixtures.snapshot(), PUBLICATION);
    noConformance.remove("conformsTo");
    ObjectNode badChecksum = CroissantMetadata.of(Fixtures.snapshot(), PUBLICATION);
    ((ObjectNode) badChecksum.get("distribution").get(0)).put("sha256", "not-a-digest");
    ObjectNode noRaiDeclaration = CroissantMetadata.of(Fixtures.snapshot(), PUBLICATION);
    noRaiDeclaration.put("conformsTo", "http://mlcommons.org/croissant/1.0");
    ObjectNode fieldWithoutType = CroissantMetadata.of(Fixtures.snapshot(), PUBLICATION);
    ((ObjectNode) fieldWithoutType.at("/recordSet/0/field/0")).remove("dataType");

    assertThat(Schemas.croissantErrors(noConformance)).isNotEmpty();
    assertThat(Schemas.croissantErrors(badChecksum)).isNotEmpty();
    assertThat(Schemas.croissantErrors(noRaiDeclaration)).isNotEmpty();
    assertThat(Schemas.croissantErrors(fieldWithoutType)).isNotEmpty();
  }

  @Test
  void publicationFieldsAreRequired() {
    assertThatThrownBy(
            () -> new CroissantMetadata.Publication(" ", "u", "c", LocalDate.of(2024, 1, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("license");
  }

  @Property(tries = 60)
  void sameMetadataGivesByteIdenticalValidJson(@ForAll("snapshots") SnapshotMetadata m)
      throws Exception {
    SnapshotMetadata copy =
        new SnapshotMetadata(
            m.snapshot(), m.purpose(), m.purposeTitle(), m.asOf(), m.policyVersion(),
            new ArrayList<>(m.contentKinds()), new ArrayList<>(m.visibility()), m.included(),
            new TreeMap<>(m.excluded()), new TreeMap<>(m.redactions()), m.redactionPolicy(),
            new ArrayList<>(m.shards()), new ArrayList<>(m.inputs()), m.encoding());

    ObjectNode a = CroissantMetadata.of(m, PUBLICATION);
    ObjectNode b = CroissantMetadata.of(copy, PUBLICATION);

    assertThat(SORTED.writeValueAsBytes(a)).isEqualTo(SORTED.writeValueAsBytes(b));
    assertThat(new ObjectMapper().writeValueAsBytes(a)).isEqualTo(new ObjectMapper().writeValueAsBytes(b));
    assertThat(Schemas.croissantErrors(a)).isEmpty();
  }

  @Provide
  Arbitrary<SnapshotMetadata> snapshots() {
    Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12);
    Arbitrary<TreeMap<String, Long>> counts =
        Arbitraries.maps(word, Arbitraries.longs().between(0, 1_000_000)).ofMaxSize(6).map(TreeMap::new);
    Arbitrary<String> sha = Arbitraries.strings().withChars("0123456789abcdef").ofLength(64);
    Arbitrary<List<SnapshotMetadata.Shard>> shards =
        Combinators.combine(Arbitraries.integers().between(0, 5), sha, Arbitraries.longs().between(0, 1L << 40))
            .as((n, h, bytes) -> {
              List<SnapshotMetadata.Shard> list = new ArrayList<>();
              for (int i = 0; i < n; i++) {
                String file = String.format("shard-%05d.jsonl.zst", i);
                list.add(new SnapshotMetadata.Shard(i, i % 2 == 0 ? "rest" : "EEA", file,
                    String.format("members-%05d.roaring", i), bytes % 1000, bytes % 100, h, bytes));
              }
              return list;
            });
    Arbitrary<Instant> asOf =
        Arbitraries.longs().between(0, 4_102_444_800L).map(s -> Instant.ofEpochSecond(s).atOffset(ZoneOffset.UTC).toInstant());
    return Combinators.combine(sha, word, asOf, word.injectNull(0.2), counts, counts, shards, sha)
        .as((id, purpose, at, version, excluded, redactions, sh, inputSha) ->
            new SnapshotMetadata(id, purpose, null, at, version, List.of("comment", "post"), List.of("public"),
                sh.stream().mapToLong(SnapshotMetadata.Shard::records).sum(), excluded, redactions,
                "typed placeholders", sh, List.of(new SnapshotMetadata.Input("content.jsonl", inputSha)),
                SnapshotMetadata.Encoding.JSONL));
  }

  /** Every {@code @id} reference points at a defined node: JSON Schema cannot check this. */
  private static void assertThatReferencesResolve(JsonNode doc) {
    Set<String> defined = new HashSet<>();
    List<String> referenced = new ArrayList<>();
    collect(doc, defined, referenced);
    assertThat(defined).containsAll(referenced);
  }

  private static void collect(JsonNode node, Set<String> defined, List<String> referenced) {
    if (node.isObject()) {
      if (node.has("@id")) {
        if (node.size() == 1) {
          referenced.add(node.get("@id").asText());
        } else {
          assertThat(defined.add(node.get("@id").asText())).as("unique @id " + node.get("@id")).isTrue();
        }
      }
      node.fields().forEachRemaining(e -> {
        if (!e.getKey().equals("@context")) {
          collect(e.getValue(), defined, referenced);
        }
      });
    } else if (node.isArray()) {
      node.forEach(n -> collect(n, defined, referenced));
    }
  }

  private static List<String> texts(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(n.asText()));
    } else {
      out.add(node.asText());
    }
    return out;
  }
}
