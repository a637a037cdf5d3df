package dev.lethe.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.core.ledger.ConsentLedger;
import dev.lethe.core.ledger.LedgerReader;
import dev.lethe.pipeline.ConsentView;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsentGatesTest {

  @TempDir Path temp;

  @Test
  void shippedGatesAnswerAsTheLedgersViewForEveryMemberAndStrangers() throws Exception {
    SyntheticInput input = SyntheticInput.write(temp, 7L, 300, 0, 0);
    ConsentLedger ledger;
    try (InputStream in = Files.newInputStream(input.ledger)) {
      ledger = LedgerReader.load(in).ledger();
    }
    for (Instant asOf : List.of(SyntheticInput.AS_OF, Instant.parse("2024-01-05T00:00:00Z"), Instant.parse("2023-06-01T00:00:00Z"))) {
      ConsentView view = ConsentView.of(ledger, "genai-training", asOf, 5);
      ConsentView shipped = roundTrip(ConsentGates.of(ledger, view)).view();
      assertThat(shipped.policy()).isEqualTo(view.policy());
      assertThat(shipped.purposePolicy()).isEqualTo(view.purposePolicy());
      assertThat(shipped.layout().groups()).isEqualTo(view.layout().groups());
      List<String> ids = new ArrayList<>(ledger.memberIds());
      ids.addAll(List.of("ghost", "", "m99999", "zzz"));
      for (String id : ids) {
        assertThat(shipped.member(id)).as("%s at %s", id, asOf).isEqualTo(view.member(id));
      }
    }
  }

  @Test
  void gatesOfAPurposeNoPolicyDefinesDenyEveryone() throws Exception {
    SyntheticInput input = SyntheticInput.write(temp, 8L, 20, 0, 0);
    ConsentLedger ledger;
    try (InputStream in = Files.newInputStream(input.ledger)) {
      ledger = LedgerReader.load(in).ledger();
    }
    ConsentView view = ConsentView.of(ledger, "ads", SyntheticInput.AS_OF, 2);
    ConsentView shipped = roundTrip(ConsentGates.of(ledger, view)).view();
    for (String id : ledger.memberIds()) {
      assertThat(shipped.member(id)).isEqualTo(view.member(id));
      assertThat(shipped.member(id).decision().allowed()).isFalse();
    }
  }

  @Test
  void shardsAreWrittenWithTheZstdLetheWasBuiltWith() {
    assertThat(ZstdGuard.expected()).matches("\\d+\\.\\d+\\.\\d+-\\d+").isEqualTo(ZstdGuard.loaded());
  }

  private static ConsentGates roundTrip(ConsentGates gates) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(gates);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (ConsentGates) in.readObject();
    }
  }
}
