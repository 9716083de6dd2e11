package org.prune4j.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process from /proc/self/status (what reports and benchmarks publish). */
public final class ProcessMemory {
    private ProcessMemory() {}

    /** Peak resident set size (VmHWM), bytes; -1 when unknown. */
    public static long peakRss() {
        return status("VmHWM:");
    }

    /** Current resident set size (VmRSS), bytes; -1 when unknown. */
    public static long currentRss() {
        return status("VmRSS:");
    }

    private static long status(String key) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith(key)) return Long.parseLong(l.substring(key.length()).trim().split("\\s+")[0]) * 1024;
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
