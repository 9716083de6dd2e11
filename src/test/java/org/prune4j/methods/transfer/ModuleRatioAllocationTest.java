package org.prune4j.methods.transfer;

import org.prune4j.alloc.Allocation;
import org.prune4j.alloc.AllocationTest;
import org.prune4j.alloc.Allocations;
import org.prune4j.alloc.Constraints;
import org.prune4j.alloc.Target;

import org.junit.jupiter.api.Test;
import org.prune4j.criteria.Scores;
import org.prune4j.model.ModelConfig;
import org.prune4j.plan.LayerPlan;
import org.prune4j.plan.PruningPlan;
import org.prune4j.util.Prune4jException;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/** The per-module ratio assignment (Algorithm 1 as reconstructed) on hand-made importances. */
class ModuleRatioAllocationTest {
    static final double[][] HEADS = {{4, 3, 2, 1}, {4, 3, 2, 1}}, CHANNELS = {{8, 7, 6, 5, 4, 3, 2, 1}, {8, 7, 6, 5, 4, 3, 2, 1}};

    static Scores scores(double[] importance) {
        return AllocationTest.scores(HEADS, CHANNELS, false).withModules(importance);
    }

    @Test
    void loadsAreOneMinusNormalisedImportanceAndRatiosScaleThemUpToPMax() {
        ModelConfig c = AllocationTest.two();
        Scores s = scores(new double[] {3, 2, 1, 0});
        ModuleRatioAllocation m = new ModuleRatioAllocation(0.9, false);
        assertThat(ModuleRatioAllocation.loads(c, s.modules(), Constraints.defaults()))
                .containsExactly(new double[] {0, 1.0 / 3, 2.0 / 3, 1}, offset(1e-12));
        // x = 0.5: λ = 0.5·0.9/(1/3) = 1.35, p = clip(1.35·u, 0, 0.9).
        assertThat(m.ratios(c, s, 0.5, Constraints.defaults())).containsExactly(new double[] {0, 0.45, 0.9, 0.9}, offset(1e-12));
        assertThat(m.ratios(c, s, 1, Constraints.defaults())).containsExactly(new double[] {0, 0.9, 0.9, 0.9}, offset(1e-12));
        // Protected layer 0: its modules get 0 and leave the normalisation (layer 1's two modules span [0, 1]).
        Constraints k = new Constraints(Set.of(0), 1, 1, 1);
        assertThat(ModuleRatioAllocation.loads(c, s.modules(), k)).containsExactly(new double[] {0, 0, 0, 1}, offset(1e-12));
        // Equal importances: uniform loads.
        assertThat(ModuleRatioAllocation.loads(c, new double[] {2, 2, 2, 2}, Constraints.defaults())).containsExactly(1, 1, 1, 1);
    }

    @Test
    void theTargetIsMetWithTheSmallestPlanAtOrAboveItAndTheMostImportantModuleIsKept() {
        ModelConfig c = AllocationTest.two();
        // Importances without ties between the modules' rounding steps (a tie makes two plateaus meet at one knob value).
        Scores s = scores(new double[] {3, 2, 1.3, 0});
        Allocation a = Allocations.get("module-ratios");
        for (double ratio : new double[] {0.1, 0.2, 0.3}) {
            PruningPlan p = a.allocate(c, s, Target.total(ratio), Constraints.defaults(), false);
            double f = p.removedFraction(c);
            assertThat(f).isGreaterThanOrEqualTo(ratio);
            assertThat(p.layers().get(0).keptHeads()).hasSize(4); // importance max → load 0
            // The least important module (layer 1's MLP) loses at least as large a share as any other.
            double mlp1 = 1 - p.layers().get(1).keptChannels().length / 8.0, mlp0 = 1 - p.layers().get(0).keptChannels().length / 8.0;
            assertThat(mlp1).isGreaterThanOrEqualTo(mlp0);
            // Minimal: a slightly smaller knob falls below the target (the bisection's first plan at or above it).
            ModuleRatioAllocation m = new ModuleRatioAllocation();
            double lo = 0, hi = 1;
            for (int i = 0; i < 60; i++) {
                double mid = (lo + hi) / 2;
                if (m.plan(c, s, mid, Constraints.defaults(), false).removedFraction(c) >= ratio) hi = mid; else lo = mid;
            }
            assertThat(m.plan(c, s, lo, Constraints.defaults(), false).removedFraction(c)).isLessThan(ratio);
            assertThat(f).isEqualTo(m.plan(c, s, hi, Constraints.defaults(), false).removedFraction(c));
        }
    }

    @Test
    void dropModulesRemovesModulesWholeAtPMaxAndWholeLayersWhenBothGo() {
        ModelConfig c = AllocationTest.two();
        Scores s = scores(new double[] {3, 2, 1, 0});
        ModuleRatioAllocation m = new ModuleRatioAllocation(0.5, true);
        PruningPlan p = m.plan(c, s, 1, Constraints.defaults(), false);
        assertThat(p.layers().get(0).keepsAttention()).isTrue();
        assertThat(p.layers().get(0).keepsMlp()).isFalse();
        assertThat(p.layers().get(1).removed()).isTrue();
        // Without dropping the same ratios keep at least the constraints' minimum.
        PruningPlan kept = new ModuleRatioAllocation(1.0, false).plan(c, s, 1, Constraints.defaults(), false);
        for (LayerPlan l : kept.layers()) {
            assertThat(l.keptHeads()).isNotEmpty();
            assertThat(l.keptChannels()).isNotEmpty();
        }
    }

    @Test
    void invertedImportanceInvertsTheLoads() {
        ModelConfig c = AllocationTest.two();
        double[] u = ModuleRatioAllocation.loads(c, new double[] {-3, -2, -1, 0}, Constraints.defaults());
        assertThat(u).containsExactly(new double[] {1, 2.0 / 3, 1.0 / 3, 0}, offset(1e-12));
    }

    @Test
    void badSettingsAreOneLineErrors() {
        assertThatThrownBy(() -> new ModuleRatioAllocation(1.5, false)).isInstanceOf(Prune4jException.class)
                .hasMessage("--p-max must be in (0, 1], got 1.5");
        assertThatThrownBy(() -> Allocations.get("module-ratios").configure(new org.prune4j.criteria.MethodOptions(java.util.Map.of("p-max", "1.5"))))
                .isInstanceOf(Prune4jException.class).hasMessage("--p-max must be in (0, 1], got 1.5");
        assertThatThrownBy(() -> scores(new double[] {1, Double.NaN})).isInstanceOf(Prune4jException.class)
                .hasMessageContaining("NaN");
        ModelConfig c = AllocationTest.two();
        assertThatThrownBy(() -> Allocations.get("module-ratios").allocate(c, AllocationTest.scores(HEADS, CHANNELS, false), Target.total(0.2),
                Constraints.defaults(), false)).isInstanceOf(Prune4jException.class).hasMessageContaining("transfer-entropy");
    }
}
