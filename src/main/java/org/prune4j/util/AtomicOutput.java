package org.prune4j.util;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes an output file or folder under a temporary sibling name and renames it into place only when complete,
 * so an interrupted run never leaves a half-written model where a real one is expected.
 */
public final class AtomicOutput {
    /** Writes the content at the given (temporary) path. */
    @FunctionalInterface
    public interface Writer {
        void write(Path tmp) throws IOException;
    }

    private AtomicOutput() {}

    public static void write(Path target, boolean overwrite, Writer writer) {
        Path abs = target.toAbsolutePath();
        if (Files.exists(abs) && !overwrite) {
            throw Prune4jException.inFile(target, "already exists; choose another --out or remove it first");
        }
        Path parent = abs.getParent();
        Path tmp = parent.resolve("." + abs.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(parent);
            deleteRecursively(tmp);
            writer.write(tmp);
            if (overwrite) deleteRecursively(abs);
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            deleteQuietly(tmp);
            throw Prune4jException.inFile(target, "already exists");
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw Prune4jException.inFile(target, "could not be written: " + e.getMessage());
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            deleteRecursively(p);
        } catch (IOException ignored) {
            // the temporary name is ours alone; a leftover is harmless and replaced next time
        }
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
