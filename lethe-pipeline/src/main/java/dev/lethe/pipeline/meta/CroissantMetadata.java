package dev.lethe.pipeline.meta;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The snapshot's {@code croissant.json}: an <a href="http://mlcommons.org/croissant/1.0">MLCommons
 * Croissant 1.0</a> JSON-LD description with the <a
 * href="http://mlcommons.org/croissant/RAI/1.0">Croissant RAI 1.0</a> responsible-AI properties,
 * plus Lethe's own consent vocabulary under the prefix {@code lethe} ({@value #LETHE_NAMESPACE}).
 *
 * <p>Contract: {@link #of} is a pure function of its arguments. It reads no clock, no environment
 * and no file, and builds objects in a fixed key order, so equal arguments give byte-identical JSON
 * whether serialized as built or with sorted keys. That is what lets a rebuilt snapshot be
 * byte-identical to the original.
 *
 * <p>Every statement in the RAI texts is derived from {@link SnapshotMetadata} or from the consent
 * rules that produced it (the shared consent-ledger specification); nothing is aspirational.
 */
public final class CroissantMetadata {

  /** The Croissant core conformance URI. */
  public static final String CROISSANT_1_0 = "http://mlcommons.org/croissant/1.0";

  /** The Croissant Responsible-AI conformance URI. */
  public static final String CROISSANT_RAI_1_0 = "http://mlcommons.org/croissant/RAI/1.0";

  /** IRI of Lethe's consent vocabulary, bound to the prefix {@code lethe}. */
  public static final String LETHE_NAMESPACE = "https://lethe.dev/ns/consent#";

  /**
   * Media type of a jsonl shard (the default format): JSON Lines ({@code application/jsonlines}, the name Croissant tools use)
   * compressed with Zstandard, which the structured-syntax suffix {@code +zstd} says.
   */
  public static final String SHARD_ENCODING = "application/jsonlines+zstd";

  /** {@code @id} of the file set that holds every shard. */
  static final String SHARDS_ID = "shards";

  /** {@code @id} of the record set of training records. */
  static final String RECORDS_ID = "records";

  /** The columns of every shard line, in the order the dataset writer writes them. */
  static final List<String> COLUMNS = List.of("content", "kind", "text");

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private CroissantMetadata() {}

  /**
   * Who publishes the snapshot and under which terms; Croissant requires these and they are not
   * facts of the build, so the caller supplies them.
   *
   * @param license the dataset's license: an SPDX identifier or a license URL (Croissant recommends
   *     a known license URL)
   * @param url the URL of the dataset (where the snapshot can be found)
   * @param creator the name of the organization that built the snapshot
   * @param datePublished the publication date; to keep rebuilds byte-identical it must come from
   *     the build's inputs (for example the as-of date), never from a clock
   */
  public record Publication(String license, String url, String creator, LocalDate datePublished) {
    public Publication {
      requireText(license, "license");
      requireText(url, "url");
      requireText(creator, "creator");
      Objects.requireNonNull(datePublished, "datePublished");
    }
  }

  /**
   * Builds the Croissant document of a snapshot.
   *
   * @param m the snapshot, as the manifest describes it
   * @param publication the license, URL, creator and publication date to state
   * @return a new, mutable JSON-LD object; callers may serialize it as they like
   */
  public static ObjectNode of(SnapshotMetadata m, Publication publication) {
    Objects.requireNonNull(m, "m");
    Objects.requireNonNull(publication, "publication");
    ObjectNode doc = JSON.objectNode();
    doc.set("@context", context());
    doc.put("@type", "sc:Dataset");
    doc.set("conformsTo", JSON.arrayNode().add(CROISSANT_1_0).add(CROISSANT_RAI_1_0));
    doc.put("name", "lethe-snapshot-" + m.purpose() + "-" + m.snapshot());
    doc.put("description", description(m));
    doc.put("identifier", m.snapshot());
    doc.put("license", publication.license());
    doc.put("url", publication.url());
    ObjectNode creator = doc.putObject("creator");
    creator.put("@type", "sc:Organization");
    creator.put("name", publication.creator());
    doc.put("datePublished", publication.datePublished().toString());
    // A snapshot never changes after publication: its id is a content hash.
    doc.put("isLiveDataset", false);
    doc.set("keywords", JSON.arrayNode().add("consent-gated").add("pii-redacted").add(m.purpose()));

    rai(doc, m);
    lethe(doc, m);
    doc.set("distribution", distribution(m));
    doc.set("recordSet", JSON.arrayNode().add(recordSet(m)));
    return doc;
  }

  /**
   * The Croissant 1.0 JSON-LD context as the published 1.0 example datasets carry it (the spec's
   * appendix lists a subset), plus the {@code lethe} prefix.
   */
  private static ObjectNode context() {
    ObjectNode c = JSON.objectNode();
    c.put("@language", "en");
    c.put("@vocab", "https://schema.org/");
    c.put("citeAs", "cr:citeAs");
    c.put("column", "cr:column");
    c.put("conformsTo", "dct:conformsTo");
    c.put("cr", "http://mlcommons.org/croissant/");
    c.put("rai", "http://mlcommons.org/croissant/RAI/");
    ObjectNode data = c.putObject("data");
    data.put("@id", "cr:data");
    data.put("@type", "@json");
    ObjectNode dataType = c.putObject("dataType");
    dataType.put("@id", "cr:dataType");
    dataType.put("@type", "@vocab");
    c.put("dct", "http://purl.org/dc/terms/");
    ObjectNode examples = c.putObject("examples");
    examples.put("@id", "cr:examples");
    examples.put("@type", "@json");
    c.put("extract", "cr:extract");
    c.put("field", "cr:field");
    c.put("fileProperty", "cr:fileProperty");
    c.put("fileObject", "cr:fileObject");
    c.put("fileSet", "cr:fileSet");
    c.put("format", "cr:format");
    c.put("includes", "cr:includes");
    c.put("isLiveDataset", "cr:isLiveDataset");
    c.put("jsonPath", "cr:jsonPath");
    c.put("key", "cr:key");
    c.put("md5", "cr:md5");
    c.put("parentField", "cr:parentField");
    c.put("path", "cr:path");
    c.put("recordSet", "cr:recordSet");
    c.put("references", "cr:references");
    c.put("regex", "cr:regex");
    c.put("repeated", "cr:repeated");
    c.put("replace", "cr:replace");
    c.put("sc", "https://schema.org/");
    c.put("separator", "cr:separator");
    c.put("source", "cr:source");
    c.put("subField", "cr:subField");
    c.put("transform", "cr:transform");
    c.put("wd", "https://www.wikidata.org/wiki/");
    c.put("lethe", LETHE_NAMESPACE);
    return c;
  }

  private static String description(SnapshotMetadata m) {
    return "Consent-gated, PII-redacted training snapshot "
        + m.snapshot()
        + " for the purpose '"
        + m.purpose()
        + "'"
        + (m.purposeTitle() == null ? "" : " (" + m.purposeTitle() + ")")
        + ", as of "
        + m.asOf()
        + ", under "
        + policyPhrase(m)
        + ". "
        + m.included()
        + " records included, "
        + excludedTotal(m)
        + " excluded, in "
        + m.shards().size()
        + " shards sharded by member. Training files hold no member identifiers.";
  }

  private static void rai(ObjectNode doc, SnapshotMetadata m) {
    doc.put(
        "rai:dataCollection",
        "Content records that members posted on the platform, read from the build inputs ("
            + inputNames(m)
            + "). A record is included only if, at "
            + m.asOf()
            + " and for the purpose '"
            + m.purpose()
            + "', the consent decision for its member is 'allowed' under "
            + policyPhrase(m)
            + "; it was posted at or before that instant and not deleted at or before it; its kind is one of "
            + list(m.contentKinds())
            + "; and its visibility is one of "
            + list(m.visibility())
            + ". Only members whom the consent policy allows at the as-of instant contribute records, and not all of"
            + " them: a member whom forgetting has obliged us to remove since that instant (an erasure, a retroactive"
            + " withdrawal, a region block or an operator's request received after it) is left out as"
            + " 'forgotten-since-as-of', and so is every record excluded for another reason counted in"
            + " rai:dataCollectionMissingData.");
    doc.set(
        "rai:dataCollectionType",
        JSON.arrayNode().add("User-generated content data").add("Software Collection"));
    doc.put(
        "rai:dataCollectionRawData",
        "Build inputs, each identified by the SHA-256 of its bytes: "
            + m.inputs().stream()
                .map(in -> in.name() + " sha256:" + in.sha256())
                .collect(Collectors.joining(", "))
            + ".");
    doc.put(
        "rai:dataCollectionMissingData",
        "Records left out, each counted under exactly one reason (the first that applies): "
            + counts(m.excluded(), "records")
            + ". Total excluded: "
            + excludedTotal(m)
            + ".");
    doc.set(
        "rai:personalSensitiveInformation",
        JSON.arrayNode()
            .add(
                "Every included text was scanned for personal data and each detected span was redacted"
                    + " before it was written: "
                    + counts(m.redactions(), "spans")
                    + ". Operators: "
                    + redactionPolicy(m)
                    + ".")
            .add(
                "Training files hold only the content id, the content kind and the redacted text of each"
                    + " record; member identifiers are never written to them. Which members are in which"
                    + " shard is kept in separate member bitmaps so that a member's data can be found and"
                    + " forgotten.")
            .add(
                "Private messages (kind 'message') are never included, whatever a consent policy says.")
            .add(
                "Members below the purpose's minimum age, members in regions where the purpose is blocked,"
                    + " and members who withdrew, objected or asked for erasure at or before the as-of"
                    + " instant contribute no records."));
    doc.set(
        "rai:dataPreprocessingProtocol",
        JSON.arrayNode()
            .add(
                "1. Consent gate: the decision for (member, '"
                    + m.purpose()
                    + "', "
                    + m.asOf()
                    + ") is computed from the consent ledger's events up to that instant; records of"
                    + " members not allowed are excluded under the decision's reason.")
            .add(
                "2. Content eligibility: records not yet posted, deleted, of a kind outside "
                    + list(m.contentKinds())
                    + " or of a visibility outside "
                    + list(m.visibility())
                    + " are excluded.")
            .add(
                "3. Fail closed: records whose member is unknown, whose fields are malformed or whose"
                    + " text cannot be decoded are excluded and counted, never included.")
            .add("4. Redaction of personal data in every included text: " + redactionPolicy(m) + ".")
            .add(
                "5. Sharding: all records of a member go to one shard, and members of each policy region"
                    + " get their own group of shards.")
            .add(
                "6. The build is deterministic: the same inputs, as-of instant and forgetting obligations in"
                    + " force when it runs give a byte-identical snapshot."));
    doc.put(
        "rai:dataManipulationProtocol",
        "Texts are changed only by redaction (" + redactionPolicy(m) + "); no other edits are made.");
    doc.set(
        "rai:dataUseCases",
        JSON.arrayNode()
            .add(
                "Training for the purpose '"
                    + m.purpose()
                    + "'"
                    + (m.purposeTitle() == null ? "" : " (" + m.purposeTitle() + ")")
                    + " only: consent was evaluated for this purpose and does not extend to any other."));
    doc.set(
        "rai:dataLimitations",
        JSON.arrayNode()
            .add(
                "The snapshot reflects consent at "
                    + m.asOf()
                    + " only; members who withdraw or ask for erasure later must be forgotten from models"
                    + " trained on it.")
            .add(
                "Automated redaction can miss personal data or redact text that is not personal data.")
            .add(
                "Only "
                    + list(m.contentKinds())
                    + " content with visibility "
                    + list(m.visibility())
                    + " is present; other content is absent by design."));
    doc.set(
        "rai:dataBiases",
        JSON.arrayNode()
            .add(
                "Selection by consent: the records come only from members the policy allows at the as-of"
                    + " instant, so members in blocked regions, minors and members who declined are not"
                    + " represented, and the population is not representative of all members.")
            .add("Exclusions by reason: " + counts(m.excluded(), "records") + "."));
    doc.put(
        "rai:dataSocialImpact",
        "Members keep control over whether their content trains models: consent is checked per member"
            + " and purpose at the as-of instant, and sharding by member lets a withdrawal be honored by"
            + " retraining only the shard that holds the member's records.");
    doc.set(
        "rai:dataReleaseMaintenancePlan",
        JSON.arrayNode()
            .add(
                "The snapshot is immutable and identified by the content hash "
                    + m.snapshot()
                    + "; a newer consent state yields a new snapshot with a new id.")
            .add(
                "Withdrawals and erasures after the as-of instant become forget requests with a legal"
                    + " deadline; they are served by retraining the affected shards."));
  }

  private static void lethe(ObjectNode doc, SnapshotMetadata m) {
    doc.put("lethe:snapshot", m.snapshot());
    doc.put("lethe:purpose", m.purpose());
    if (m.purposeTitle() != null) {
      doc.put("lethe:purposeTitle", m.purposeTitle());
    }
    doc.put("lethe:asOf", m.asOf().toString());
    if (m.policyVersion() != null) {
      doc.put("lethe:policyVersion", m.policyVersion());
    }
    doc.set("lethe:contentKinds", strings(m.contentKinds()));
    doc.set("lethe:visibility", strings(m.visibility()));
    doc.put("lethe:included", m.included());
    // Lists of typed pairs rather than maps: a map's keys (reason words) would be read as
    // schema.org terms by a JSON-LD processor.
    doc.set("lethe:excluded", pairs(m.excluded(), "lethe:reason", "lethe:records"));
    doc.set("lethe:redactions", pairs(m.redactions(), "lethe:entityType", "lethe:spans"));
  }

  private static ArrayNode distribution(SnapshotMetadata m) {
    ArrayNode d = JSON.arrayNode();
    for (SnapshotMetadata.Shard s : m.shards()) {
      ObjectNode f = d.addObject();
      f.put("@type", "cr:FileObject");
      f.put("@id", s.file());
      f.put("name", s.file());
      f.put(
          "description",
          "Shard "
              + s.shard()
              + " of region group '"
              + s.group()
              + "': "
              + s.records()
              + " records of "
              + s.memberCount()
              + " members.");
      f.put("contentUrl", s.file());
      f.put("contentSize", s.bytes() + " B");
      f.put("encodingFormat", m.encoding().mediaType());
      f.put("sha256", s.sha256());
    }
    ObjectNode set = d.addObject();
    set.put("@type", "cr:FileSet");
    set.put("@id", SHARDS_ID);
    set.put("name", SHARDS_ID);
    set.put(
        "description",
        m.encoding().equals(SnapshotMetadata.Encoding.JSONL)
            ? "All shard files: Zstandard-compressed JSON Lines, one training record per line."
            : "All shard files: " + m.encoding().description() + ".");
    set.put("encodingFormat", m.encoding().mediaType());
    set.put("includes", m.encoding().files());
    return d;
  }

  private static ObjectNode recordSet(SnapshotMetadata m) {
    ObjectNode rs = JSON.objectNode();
    rs.put("@type", "cr:RecordSet");
    rs.put("@id", RECORDS_ID);
    rs.put("name", RECORDS_ID);
    rs.put(
        "description",
        m.encoding().equals(SnapshotMetadata.Encoding.JSONL)
            ? "One training record per shard line."
            : "One training record per shard row.");
    rs.putObject("key").put("@id", RECORDS_ID + "/content");
    ArrayNode fields = rs.putArray("field");
    Map<String, String> descriptions =
        Map.of(
            "content", "The content id from the platform export.",
            "kind", "The content kind, e.g. post or comment.",
            "text", "The content text with personal data redacted.");
    for (String column : COLUMNS) {
      ObjectNode f = fields.addObject();
      f.put("@type", "cr:Field");
      f.put("@id", RECORDS_ID + "/" + column);
      f.put("name", column);
      f.put("description", descriptions.get(column));
      f.put("dataType", "sc:Text");
      ObjectNode source = f.putObject("source");
      source.putObject("fileSet").put("@id", SHARDS_ID);
      source.putObject("extract").put("column", column);
    }
    return rs;
  }

  private static String policyPhrase(SnapshotMetadata m) {
    return m.policyVersion() == null
        ? "no consent policy in force (so no member is allowed)"
        : "consent policy version " + m.policyVersion();
  }

  private static String redactionPolicy(SnapshotMetadata m) {
    return m.redactionPolicy() == null || m.redactionPolicy().isBlank()
        ? "not described"
        : m.redactionPolicy();
  }

  private static String inputNames(SnapshotMetadata m) {
    return m.inputs().isEmpty()
        ? "none"
        : m.inputs().stream().map(SnapshotMetadata.Input::name).collect(Collectors.joining(", "));
  }

  private static long excludedTotal(SnapshotMetadata m) {
    return m.excluded().values().stream().mapToLong(Long::longValue).sum();
  }

  private static String counts(Map<String, Long> counts, String unit) {
    if (counts.isEmpty()) {
      return "none";
    }
    return counts.entrySet().stream()
        .map(e -> e.getKey() + ": " + e.getValue() + " " + unit)
        .collect(Collectors.joining("; "));
  }

  private static String list(List<String> values) {
    return values.isEmpty() ? "(none)" : String.join(", ", values);
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode a = JSON.arrayNode();
    values.forEach(a::add);
    return a;
  }

  private static ArrayNode pairs(Map<String, Long> counts, String keyName, String countName) {
    ArrayNode a = JSON.arrayNode();
    counts.forEach(
        (k, v) -> {
          ObjectNode o = a.addObject();
          o.put(keyName, k);
          o.put(countName, v);
        });
    return a;
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must be non-blank");
    }
  }
}
