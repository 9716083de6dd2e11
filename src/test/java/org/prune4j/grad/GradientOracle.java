package org.prune4j.grad;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.prune4j.TestData;
import org.prune4j.io.Safetensors;
import org.prune4j.model.LayerShape;
import org.prune4j.model.LayerWeights;
import org.prune4j.model.Model;
import org.prune4j.model.ModelConfig;
import org.prune4j.model.TensorRole;
import org.prune4j.tensor.DType;
import org.prune4j.tensor.Matrix;
import org.prune4j.tensor.Weight;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs tools/oracles/torch_grad.py (PyTorch autograd, Debian's python3-torch, installed by .ci/run) on a model's
 * tensors and windows, and returns its loss and gradients by GGUF tensor name.
 */
final class GradientOracle {
    static final Path PYTHON = Path.of("/usr/bin/python3");

    record Result(double loss, Map<String, float[]> gradients) {}

    private GradientOracle() {}

    static Result run(Model m, List<int[]> windows, Path dir) throws Exception {
        return run(m, windows, dir, false);
    }

    /** With {@code taylor}, the result also holds LLM-Pruner's group importances ("taylor.VARIANT.L.heads|channels"). */
    static Result run(Model m, List<int[]> windows, Path dir, boolean taylor) throws Exception {
        assertThat(PYTHON).as("python3 with torch (Debian python3-torch; .ci/run installs it)").exists();
        ModelConfig c = m.config();
        Map<String, Safetensors.Entry> tensors = new LinkedHashMap<>();
        put(tensors, TensorRole.TOKEN_EMBEDDING.ggufName(-1), m.weights().embedding());
        put(tensors, TensorRole.OUTPUT_NORM.ggufName(-1), m.weights().finalNorm());
        if (!c.tiedEmbeddings()) put(tensors, TensorRole.OUTPUT.ggufName(-1), m.weights().output());
        for (int l = 0; l < c.layerCount(); l++) {
            LayerWeights w = m.weights().layers().get(l);
            for (TensorRole r : TensorRole.LAYER_ROLES) {
                Object v = w.get(r);
                if (v instanceof Weight wt) put(tensors, r.ggufName(l), wt);
                else if (v instanceof float[] f) put(tensors, r.ggufName(l), f);
            }
        }
        Path model = dir.resolve("model.safetensors"), spec = dir.resolve("spec.json"), out = dir.resolve("grads.safetensors");
        Safetensors.write(model, tensors);
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode(), cfg = root.putObject("config");
        cfg.put("hidden", c.hidden()).put("vocab", c.vocab()).put("norm_eps", c.normEps()).put("rope_theta", c.ropeTheta())
                .put("rope_style", c.ropeStyle().name().toLowerCase()).put("tied", c.tiedEmbeddings());
        ArrayNode layers = cfg.putArray("layers");
        for (LayerShape s : c.layers()) {
            layers.addObject().put("heads", s.heads()).put("kv_heads", s.kvHeads()).put("head_dim", s.headDim()).put("ffn", s.ffnDim());
        }
        root.put("taylor", taylor);
        ArrayNode ws = root.putArray("windows");
        for (int[] w : windows) {
            ArrayNode a = ws.addArray();
            for (int t : w) a.add(t);
        }
        om.writeValue(spec.toFile(), root);
        Process p = new ProcessBuilder(PYTHON.toString(), TestData.ROOT.resolve("tools/oracles/torch_grad.py").toString(),
                model.toString(), spec.toString(), out.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("torch oracle failed:\n" + log).isZero();
        Map<String, float[]> grads = new LinkedHashMap<>();
        double loss;
        try (Safetensors st = Safetensors.open(out)) {
            for (String n : st.names()) grads.put(n, st.matrix(n).toFloats());
            byte[] head = Files.readAllBytes(out);
            int n = (int) java.nio.ByteBuffer.wrap(head, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
            loss = om.readTree(new String(head, 8, n, java.nio.charset.StandardCharsets.UTF_8)).path("__metadata__").path("loss").asDouble(Double.NaN);
        }
        return new Result(loss, grads);
    }

    /** A sink that keeps every gradient by GGUF name. */
    static final class Keep implements GradientSink {
        final Map<String, float[]> grads = new LinkedHashMap<>();

        @Override public void accept(int layer, TensorRole role, float[] grad) {
            grads.put(role.ggufName(layer), grad);
        }

        @Override public boolean wantsModelTensors() { return true; }
    }

    private static void put(Map<String, Safetensors.Entry> t, String name, Weight w) {
        t.put(name, new Safetensors.Entry(Matrix.ofFloats(w.toFloats(), w.rows(), w.cols()), DType.F32, new long[]{w.rows(), w.cols()}));
    }

    private static void put(Map<String, Safetensors.Entry> t, String name, float[] v) {
        t.put(name, new Safetensors.Entry(Matrix.ofFloats(v, 1, v.length), DType.F32, new long[]{v.length}));
    }

    static List<String> names(Map<String, float[]> m) {
        return new ArrayList<>(m.keySet());
    }
}
