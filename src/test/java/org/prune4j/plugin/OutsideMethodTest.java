package org.prune4j.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.prune4j.TestData;
import org.prune4j.cli.Main;
import org.prune4j.criteria.Criteria;
import org.prune4j.criteria.Criterion;
import org.prune4j.criteria.Evidence;
import org.prune4j.criteria.MethodOption;
import org.prune4j.criteria.MethodOptions;
import org.prune4j.criteria.Scores;
import org.prune4j.criteria.ScoringContext;
import org.prune4j.criteria.WeightNorms;
import org.prune4j.model.LayerShape;
import org.prune4j.model.LayerWeights;
import org.prune4j.model.ModelConfig;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A method written outside prune4j's packages, with public pieces only, registered in one call: the CLI lists it
 * with its option, builds its flag, checks the value, and plans with it. Its score is magnitude's (the L2 norm of
 * each coupled group) raised to {@code --outside-power}: any positive power keeps magnitude's ranking, so the plan
 * must equal magnitude's; a negative one reverses it, so the plan must differ.
 */
class OutsideMethodTest {
    static final class PoweredMagnitude implements Criterion {
        static final MethodOption<Double> POWER = MethodOption.number("outside-power", "1", "outside-magnitude: the power of the norm",
                p -> p != 0 && Double.isFinite(p), "a finite non-zero number");
        private final double power;

        PoweredMagnitude(double power) { this.power = power; }

        @Override public String name() { return "outside-magnitude"; }
        @Override public String summary() { return "test plug-in: magnitude's group norm to a power"; }
        @Override public Set<Evidence> needs() { return Set.of(); }
        @Override public List<MethodOption<?>> options() { return List.of(POWER); }

        @Override
        public Criterion configure(MethodOptions o) {
            o.requireOnly(name(), MethodOptions.names(options()));
            return new PoweredMagnitude(POWER.value(o));
        }

        @Override
        public Scores score(ScoringContext ctx) {
            ModelConfig c = ctx.model().config();
            Scores s = Scores.empty(name(), c);
            for (int l = 0; l < c.layerCount(); l++) {
                LayerShape sh = c.layer(l);
                LayerWeights w = ctx.model().weights().layers().get(l);
                double[] q = WeightNorms.reduce(w.wq(), WeightNorms.Kind.ROW_SQUARES), o = WeightNorms.reduce(w.wo(), WeightNorms.Kind.COLUMN_SQUARES);
                for (int h = 0; h < sh.heads(); h++) s.heads()[l][h] = Math.pow(WeightNorms.headSum(q, h, sh.headDim()) + WeightNorms.headSum(o, h, sh.headDim()), power / 2);
                double[] g = WeightNorms.reduce(w.wGate(), WeightNorms.Kind.ROW_SQUARES), u = WeightNorms.reduce(w.wUp(), WeightNorms.Kind.ROW_SQUARES);
                double[] d = WeightNorms.reduce(w.wDown(), WeightNorms.Kind.COLUMN_SQUARES);
                for (int j = 0; j < sh.ffnDim(); j++) s.channels()[l][j] = Math.pow(g[j] + u[j] + d[j], power / 2);
            }
            return s;
        }
    }

    record Run(int exit, String out, String err) {}

    @BeforeAll
    static void register() {
        if (!Criteria.names().contains("outside-magnitude")) Criteria.register(new PoweredMagnitude(1));
    }

    static synchronized Run cli(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new Run(Main.run(args), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static JsonNode plan(String method, String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("plan", "--model", TestData.ROOT.resolve("data/stories260K/stories260K.bin").toString(),
                "--method", method, "--ratio", "0.2", "--json"));
        args.addAll(List.of(extra));
        Run r = cli(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        return new ObjectMapper().readTree(r.out()).get("plan");
    }

    @Test
    void anOutsideMethodGetsItsFlagAndPlansThroughTheCli() throws Exception {
        Run list = cli("methods", "--json");
        JsonNode m = null;
        for (JsonNode n : new ObjectMapper().readTree(list.out()).get("methods")) if (n.get("name").asText().equals("outside-magnitude")) m = n;
        assertThat(m).as(list.out()).isNotNull();
        assertThat(m.get("options").get(0).get("name").asText()).isEqualTo("--outside-power");
        assertThat(m.get("options").get(0).get("default").asText()).isEqualTo("1");

        JsonNode magnitude = plan("magnitude");
        assertThat(plan("outside-magnitude", "--outside-power", "3")).isEqualTo(magnitude);
        assertThat(plan("outside-magnitude", "--outside-power", "-1")).isNotEqualTo(magnitude);

        Run bad = cli("plan", "--model", TestData.ROOT.resolve("data/stories260K/stories260K.bin").toString(), "--method", "outside-magnitude",
                "--ratio", "0.2", "--outside-power", "0");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err().strip()).isEqualTo("prune4j: --outside-power must be a finite non-zero number, got 0.0");
        Run other = cli("plan", "--model", TestData.ROOT.resolve("data/stories260K/stories260K.bin").toString(), "--method", "magnitude",
                "--ratio", "0.2", "--outside-power", "2");
        assertThat(other.exit()).isEqualTo(1);
        assertThat(other.err()).contains("--outside-power does not apply to the method magnitude");
    }
}
