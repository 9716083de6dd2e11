package org.prune4j.calib;

import org.prune4j.TestData;
import org.prune4j.eval.Corpus;
import org.prune4j.model.Model;
import org.prune4j.util.Prune4jException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Calibration input formats and sampling. */
class CalibrationSetTest {
    static final Path TRAIN = TestData.ROOT.resolve("data/tinystories/TinyStories-train.head1000rows.sel596.txt");

    @Test
    void parquetJsonlAndPlainTextGiveTheSameDocuments() throws Exception {
        List<String> plain = Corpus.documents(Corpus.readText(TRAIN)).subList(0, 100);
        Path parquet = TestData.ROOT.resolve("src/test/resources/fixtures/tinystories-train-100.parquet");
        assertThat(CalibrationSet.readDocuments(parquet)).containsExactlyElementsOf(plain);
        Path jsonl = TestData.tempDir().resolve("c.jsonl");
        var om = new com.fasterxml.jackson.databind.ObjectMapper();
        StringBuilder sb = new StringBuilder();
        for (String d : plain) sb.append(om.writeValueAsString(java.util.Map.of("text", d, "meta", 1))).append('\n');
        Files.writeString(jsonl, sb.toString());
        assertThat(CalibrationSet.readDocuments(jsonl)).containsExactlyElementsOf(plain);
    }

    @Test
    void samplingIsSeededAndDrawsWindowsFromTheStream() {
        try (Model m = TestData.stories()) {
            CalibrationSet a = CalibrationSet.sample(TRAIN, m.tokenizer(), 16, 64, 7), b = CalibrationSet.sample(TRAIN, m.tokenizer(), 16, 64, 7);
            CalibrationSet c = CalibrationSet.sample(TRAIN, m.tokenizer(), 16, 64, 8);
            assertThat(a.sequences()).hasSize(16).allSatisfy(s -> assertThat(s).hasSize(64));
            for (int i = 0; i < 16; i++) assertThat(a.sequences().get(i)).containsExactly(b.sequences().get(i));
            assertThat(a.sequences().get(0)).isNotEqualTo(c.sequences().get(0));
            assertThat(a.documents()).hasSize(596);
            assertThatThrownBy(() -> CalibrationSet.sample(TestData.HEAD46, m.tokenizer(), 4, 1_000_000, 0))
                    .isInstanceOf(Prune4jException.class).hasMessageContaining("fewer than the calibration length");
            assertThatThrownBy(() -> a.requireDisjointFrom(TRAIN)).hasMessageContaining("share 596 documents");
            a.requireDisjointFrom(TestData.HEAD46); // disjoint: no exception
        }
    }
}
