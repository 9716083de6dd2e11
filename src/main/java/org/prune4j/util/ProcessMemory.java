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

    /**
     * Resets the peak resident set size to the current one (Linux: "5" to /proc/self/clear_refs), so that the next
     * {@link #peakRss()} is the peak of what follows. Returns false where the kernel does not allow it.
     */
    public static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
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
