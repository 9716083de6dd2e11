package org.prune4j.alloc;

import org.junit.jupiter.api.Test;
import org.prune4j.criteria.Scores;
import org.prune4j.model.LayerShape;
import org.prune4j.model.ModelConfig;
import org.prune4j.model.RopeStyle;
import org.prune4j.plan.LayerPlan;
import org.prune4j.plan.PruningPlan;
import org.prune4j.util.Prune4jException;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Allocations and the GQA realizer on hand-made scores. */
public class AllocationTest {
    /** Two layers of 4 heads (2 KV groups), head dim 8, 8 channels, hidden 16, small vocab. */
    public static ModelConfig two() {
        return new ModelConfig("llama", 16, 20, 1e-5f, 10000f, null, RopeStyle.INTERLEAVED, true, 64,
                List.of(LayerShape.plain(4, 2, 8, 8), LayerShape.plain(4, 2, 8, 8)));
    }

    public static Scores scores(double[][] heads, double[][] channels, boolean standardised) {
        return new Scores("test", heads, channels, new double[heads.length], standardised);
    }

    @Test
    void realizerPicksGroupsTimesHeadsUnderGqa() {
        LayerShape s = LayerShape.plain(8, 4, 4, 4);
        double[] h = {8, 7, 1, 1, 6, 5, 0, 0}; // groups (0,1) (2,3) (4,5) (6,7)
        double[] ch = {1, 2, 3, 4};
        Constraints k = Constraints.defaults();
        LayerPlan five = LayerRealizer.realize(s, h, ch, 5, 4, k);
        // Budget 5: 4 is the largest product m×k (2×2 or 4×1); more heads per group wins: groups 0 and 2, both heads.
        assertThat(five.keptKvGroups()).containsExactly(0, 2);
        assertThat(five.keptHeads()).containsExactly(0, 1, 4, 5);
        LayerPlan three = LayerRealizer.realize(s, h, ch, 3, 2, k);
        // Budget 3: 3×1 beats 1×2 (larger product): the best head of each of the 3 best groups.
        assertThat(three.keptHeads()).containsExactly(0, 2, 4);
        assertThat(three.keptChannels()).containsExactly(2, 3);
        LayerPlan one = LayerRealizer.realize(s, h, ch, 0, 0, k);
        assertThat(one.keptHeads()).containsExactly(0);
        assertThat(one.keptChannels()).containsExactly(3); // min 1 head and 1 channel by default
        LayerPlan rounded = LayerRealizer.realize(s, h, new double[]{1, 2, 3, 4, 5, 6, 7, 8, 9}, 8, 7, new Constraints(Set.of(), 1, 1, 4));
        assertThat(rounded.keptChannels()).hasSize(4); // 7 rounded down to a multiple of 4
    }

    @Test
    void uniformMeetsTheTargetWithTheSmallestPlanAtOrAboveIt() {
        ModelConfig c = two();
        double[][] h = {{4, 3, 2, 1}, {4, 3, 2, 1}}, ch = {{8, 7, 6, 5, 4, 3, 2, 1}, {8, 7, 6, 5, 4, 3, 2, 1}};
        PruningPlan p = Allocations.get("uniform").allocate(c, scores(h, ch, false), Target.total(0.25), Constraints.defaults(), false);
        double f = p.removedFraction(c);
        assertThat(f).isGreaterThanOrEqualTo(0.25);
        for (LayerPlan l : p.layers()) {
            assertThat(l.keptHeads().length).isEqualTo(p.layers().get(0).keptHeads().length);
            // The lowest-scored channels go first.
            assertThat(l.keptChannels()).startsWith(0);
        }
        // One structure fewer removed would miss the target: the plan is the first at or above it.
        LayerPlan l0 = p.layers().get(0);
        int[] oneMore = java.util.stream.IntStream.range(0, l0.keptChannels().length + 1).toArray();
        PruningPlan less = new PruningPlan(List.of(new LayerPlan(l0.keptHeads(), l0.keptKvGroups(), oneMore), p.layers().get(1)), false);
        assertThat(less.removedFraction(c)).isLessThan(f);
    }

    @Test
    void globalRanksEachModuleTypeAcrossLayers() {
        ModelConfig c = two();
        // Layer 1's channels are all worse than layer 0's after per-layer standardisation only if scores differ in
        // shape: give layer 1 a skewed distribution so its low tail is lower in z-score.
        double[][] h = {{1, 2, 3, 4}, {1, 2, 3, 4}};
        double[][] ch = {{1, 2, 3, 4, 5, 6, 7, 8}, {1, 100, 101, 102, 103, 104, 105, 106}};
        PruningPlan p = Allocations.get("global").allocate(c, scores(h, ch, false), Target.total(0.1), Constraints.defaults(), false);
        // Layer 1's channel 0 is an outlier far below its layer's mean: it is the first channel to go.
        assertThat(p.layers().get(1).keptChannels()).doesNotContain(0);
        assertThat(p.layers().get(0).keptChannels().length + p.layers().get(1).keptChannels().length).isLessThan(16);
    }

    @Test
    void flapSharesOneThresholdOverStandardisedScores() {
        ModelConfig c = two();
        // Already standardised (as FLAP's criterion gives them): used as they are.
        double[][] h = {{-2, 0.5, 0.6, 0.7}, {0.8, 0.9, 1.0, 1.1}};
        double[][] ch = {{-3, -2.5, -1, 0, 0.1, 0.2, 0.3, 0.4}, {1, 1, 1, 1, 1, 1, 1, 1}};
        PruningPlan p = Allocations.get("flap").allocate(c, scores(h, ch, true), Target.total(0.2), Constraints.defaults(), true);
        assertThat(p.removedFraction(c)).isGreaterThanOrEqualTo(0.2);
        // Layer 1 holds only high scores: it keeps everything; layer 0 loses its lowest channels (and maybe head 0).
        assertThat(p.layers().get(1).keptChannels()).hasSize(8);
        assertThat(p.layers().get(0).keptChannels()).doesNotContain(0, 1);
        assertThat(p.biasCompensation()).isTrue();
    }

    @Test
    void flapsOwnStoppingRuleCutsAtTheNearestCumulativeWeight() {
        ModelConfig c = new ModelConfig("llama", 16, 20, 1e-5f, 10000f, null, RopeStyle.INTERLEAVED, true, 64,
                List.of(LayerShape.plain(2, 2, 3, 6)));
        // MHA (group 1), head dim 3: a head weighs 4·3/3 = 4 channels. Units sorted descending:
        // ch 10 (1), head 9 (4), ch 8 (1), ch 7 (1), head 6 (4), ch 5, 4, 3, 2 (1 each); total 16.
        double[][] h = {{9, 6}};
        double[][] ch = {{10, 8, 7, 5, 4, 3}};
        // ratio 0.5: goal 8 kept; cumulative 1, 5, 6, 7, 11, ... -> nearest is 7 (ch 7); keep scores > 7.
        Target t = new Target(0.5, Target.Basis.FLAP_ATTN_MLP);
        PruningPlan p = Allocations.get("flap").allocate(c, scores(h, ch, true), t, Constraints.defaults(), false);
        assertThat(p.layers().get(0).keptHeads()).containsExactly(0);
        assertThat(p.layers().get(0).keptChannels()).containsExactly(0, 1);
        assertThatThrownBy(() -> Allocations.get("uniform").allocate(c, scores(h, ch, true), t, Constraints.defaults(), false))
                .isInstanceOf(Prune4jException.class).hasMessageContaining("flap allocation");
    }

    @Test
    void depthDropsTheLeastImportantUnprotectedLayers() {
        ModelConfig c = new ModelConfig("llama", 16, 20, 1e-5f, 10000f, null, RopeStyle.INTERLEAVED, true, 64,
                List.of(LayerShape.plain(4, 2, 8, 8), LayerShape.plain(4, 2, 8, 8), LayerShape.plain(4, 2, 8, 8), LayerShape.plain(4, 2, 8, 8)));
        double[][] h = new double[4][4], ch = new double[4][8];
        Scores s = new Scores("bi", h, ch, new double[]{0.1, 0.05, 0.3, 0.2}, false);
        PruningPlan p = Allocations.get("depth").allocate(c, s, Target.total(0.2), Constraints.defaults(), false);
        assertThat(p.layers().get(1).removed()).isTrue();
        PruningPlan prot = Allocations.get("depth").allocate(c, s, Target.total(0.2), new Constraints(Set.of(1), 1, 1, 1), false);
        assertThat(prot.layers().get(1).removed()).isFalse();
        assertThat(prot.layers().get(0).removed()).isTrue();
    }

    @Test
    void unreachableTargetsAndUnknownNamesAreRefused() {
        ModelConfig c = two();
        double[][] h = {{1, 2, 3, 4}, {1, 2, 3, 4}}, ch = {{1, 2, 3, 4, 5, 6, 7, 8}, {1, 2, 3, 4, 5, 6, 7, 8}};
        assertThatThrownBy(() -> Allocations.get("uniform").allocate(c, scores(h, ch, false), Target.total(0.95), Constraints.defaults(), false))
                .isInstanceOf(Prune4jException.class).hasMessageContaining("cannot be reached");
        assertThatThrownBy(() -> Allocations.get("fancy")).hasMessageContaining("available: uniform, global, flap, depth");
        assertThatThrownBy(() -> Target.total(1.5)).hasMessageContaining("(0, 1)");
    }
}
