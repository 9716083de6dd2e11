package org.prune4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the benchmark needs to know about the machine: clock, SIMD width, resident memory. */
public final class MachineInfo {
    private MachineInfo() {}

    /** Nominal clock in GHz from /proc/cpuinfo (NaN when unknown). */
    public static double clockGhz() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("cpu MHz"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(':') + 1).trim())).max().orElse(Double.NaN) / 1000;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** FP32 FLOP per cycle per core: two FMA pipes × lanes × 2. */
    public static int flopsPerCycle() {
        return 2 * jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length() * 2;
    }

    public static double peakGflops(int cores) {
        return cores * flopsPerCycle() * clockGhz();
    }

    /** Peak resident set size of this process (VmHWM), bytes; -1 when unknown. */
    public static long peakRss() {
        return org.prune4j.util.ProcessMemory.peakRss();
    }

    public static long currentRss() {
        return org.prune4j.util.ProcessMemory.currentRss();
    }
}
