package org.prune4j.io;

import org.prune4j.TestData;
import org.prune4j.model.LayerShape;
import org.prune4j.model.Model;
import org.prune4j.model.ModelConfig;
import org.prune4j.model.RopeStyle;
import org.prune4j.model.SyntheticModel;
import org.prune4j.tensor.DType;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Same weights, every path, same logits: llama2.c ↔ GGUF ↔ HF folder, F32 exactly, other dtypes within tolerance. */
class FormatRoundTripTest {
    private static final int[] PROBE = {1, 270, 271, 300, 301, 302, 290, 12, 44, 260};

    @Test
    void storiesThroughEveryFormatGivesTheSameLogits() {
        Path dir = TestData.tempDir();
        try (Model src = TestData.stories()) {
            int[] toks = src.tokenizer().encode("Lily saw a big red ball in the park. She was happy!");
            float[] want = TestData.logits(src, toks);
            GgufModelWriter.write(src, dir.resolve("s.gguf"), null, false);
            HfWriter.write(src, dir.resolve("hf"), null, 0, false);
            try (Model g = ModelLoader.load(dir.resolve("s.gguf"), null); Model h = ModelLoader.load(dir.resolve("hf"), null)) {
                assertThat(g.config().architecture()).isEqualTo("llama");
                assertThat(h.config().ropeStyle()).isEqualTo(RopeStyle.HALF);
                assertThat(TestData.relError(want, TestData.logits(g, toks))).isLessThan(1e-6);
                assertThat(TestData.relError(want, TestData.logits(h, toks))).isLessThan(1e-5);
                // the tokenizer travels with the model
                assertThat(g.tokenizer().encode("Once upon a time")).containsExactly(src.tokenizer().encode("Once upon a time"));
                assertThat(h.tokenizer().encode("Once upon a time")).containsExactly(src.tokenizer().encode("Once upon a time"));
                // and back again: HF folder -> GGUF restores interleaved rows
                GgufModelWriter.write(h, dir.resolve("back.gguf"), null, false);
                try (Model b = ModelLoader.load(dir.resolve("back.gguf"), null)) {
                    assertThat(TestData.relError(want, TestData.logits(b, toks))).isLessThan(1e-5);
                }
            }
        }
    }

    @Test
    void raggedGqaModelWithBiasesRoundTripsThroughShardedHfAndDeciGguf() throws Exception {
        Path dir = TestData.tempDir();
        try (Model src = SyntheticModel.create(TestData.ragged(), 21, DType.F32)) {
            float[] want = TestData.logits(src, PROBE);
            HfWriter.write(src, dir.resolve("hf"), null, 40_000, false);
            assertThat(dir.resolve("hf/model.safetensors.index.json")).exists();
            assertThat(Files.list(dir.resolve("hf")).filter(p -> p.toString().endsWith(".safetensors")).count()).isGreaterThan(2);
            GgufModelWriter.write(src, dir.resolve("r.gguf"), null, false);
            try (Model h = ModelLoader.load(dir.resolve("hf"), null); Model g = ModelLoader.load(dir.resolve("r.gguf"), null)) {
                assertThat(h.config().layers()).isEqualTo(src.config().layers());
                assertThat(g.config().layers()).isEqualTo(src.config().layers());
                assertThat(g.config().architecture()).isEqualTo("deci");
                assertThat(h.config().tiedEmbeddings()).isFalse();
                assertThat(TestData.relError(want, TestData.logits(h, PROBE))).isLessThan(1e-5);
                assertThat(TestData.relError(want, TestData.logits(g, PROBE))).isLessThan(1e-6);
            }
        }
    }

    @Test
    void llama3RopeScalingTravelsThroughHfAndGguf() throws Exception {
        Path dir = TestData.tempDir();
        int[] toks = new int[60];
        for (int i = 0; i < toks.length; i++) toks[i] = 260 + (i * 7) % 50;
        try (Model src = SyntheticModel.create(TestData.llama3Scaled(), 12, DType.F32);
             Model plain = new Model(new ModelConfig("llama", 64, 320, 1e-5f, 500_000f, null, RopeStyle.HALF, true, 512,
                     src.config().layers()), src.weights(), src.tokenizer(), null, "unscaled")) {
            float[] want = TestData.logits(src, toks);
            assertThat(TestData.relError(want, TestData.logits(plain, toks))).as("scaling must matter").isGreaterThan(1e-3);
            HfWriter.write(src, dir.resolve("hf"), null, 0, false);
            assertThat(Files.readString(dir.resolve("hf/config.json"))).contains("\"rope_type\" : \"llama3\"");
            GgufModelWriter.write(src, dir.resolve("s.gguf"), null, false);
            try (Model h = ModelLoader.load(dir.resolve("hf"), null); Model g = ModelLoader.load(dir.resolve("s.gguf"), null)) {
                assertThat(h.config().ropeScaling()).isEqualTo(src.config().ropeScaling());
                assertThat(g.config().ropeScaling()).isInstanceOf(org.prune4j.model.RopeScaling.Factors.class);
                assertThat(TestData.relError(want, TestData.logits(h, toks))).isLessThan(1e-5);
                assertThat(TestData.relError(want, TestData.logits(g, toks))).isLessThan(1e-5);
                HfWriter.write(g, dir.resolve("hf2"), null, 0, false);
                try (Model h2 = ModelLoader.load(dir.resolve("hf2"), null)) {
                    assertThat(TestData.relError(want, TestData.logits(h2, toks))).isLessThan(1e-5);
                }
            }
        }
    }

    @Test
    void uniformModelKeepsAStockHfConfig() throws Exception {
        Path dir = TestData.tempDir();
        ModelConfig c = SyntheticModel.uniform("llama", 64, 2, 4, 2, 16, 96, 300, 128, true);
        try (Model src = SyntheticModel.create(c, 4, DType.F32)) {
            HfWriter.write(src, dir.resolve("hf"), null, 0, false);
            String cfg = Files.readString(dir.resolve("hf/config.json"));
            assertThat(cfg).contains("\"LlamaForCausalLM\"").contains("\"num_key_value_heads\" : 2").doesNotContain(HfConfig.LAYER_SHAPES);
        }
    }

    @Test
    void bf16AndF16AndQ8WeightsStayWithinTheirPrecision() {
        Path dir = TestData.tempDir();
        List<LayerShape> shapes = List.of(LayerShape.plain(4, 2, 16, 96), LayerShape.plain(4, 2, 16, 64));
        ModelConfig c = new ModelConfig("llama", 64, 320, 1e-5f, 10000f, null, RopeStyle.INTERLEAVED, false, 128, shapes);
        try (Model f32 = SyntheticModel.create(c, 8, DType.F32)) {
            float[] want = TestData.logits(f32, PROBE);
            for (DType dt : new DType[]{DType.BF16, DType.F16, DType.Q8_0}) {
                Path g = dir.resolve(dt + ".gguf");
                GgufModelWriter.write(f32, g, dt, false);
                try (Model m = ModelLoader.load(g, null)) {
                    assertThat(m.weights().layers().get(0).wq().dtype()).isEqualTo(dt);
                    double tol = dt == DType.F16 ? 5e-3 : 3e-2;
                    assertThat(TestData.relError(want, TestData.logits(m, PROBE))).as(dt.name()).isLessThan(tol);
                    if (dt != DType.Q8_0) {
                        // the same 16-bit weights through the HF folder give the GGUF's logits exactly
                        HfWriter.write(m, dir.resolve("hf-" + dt), null, 0, false);
                        try (Model h = ModelLoader.load(dir.resolve("hf-" + dt), null)) {
                            assertThat(h.weights().layers().get(0).wq().dtype()).isEqualTo(dt);
                            assertThat(TestData.relError(TestData.logits(m, PROBE), TestData.logits(h, PROBE))).isLessThan(1e-5);
                        }
                    }
                }
            }
        }
    }
}
