package org.prune4j.util;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes an output file or folder under a temporary sibling name and renames it into place only when complete,
 * so an interrupted run never leaves a half-written model where a real one is expected. Replacing ({@code --force})
 * never deletes what prune4j did not write: a file output replaces only a regular file (by an atomic rename); a
 * folder output replaces only a folder holding nothing but files prune4j writes there. Empty paths, "." and ".."
 * and the filesystem root are refused. A temporary is removed on normal exit, on SIGINT/SIGTERM (a shutdown hook),
 * and, when a run was killed outright, by the next run that writes the same output.
 */
public final class AtomicOutput {
    /** Writes the content at the given (temporary) path. */
    @FunctionalInterface
    public interface Writer {
        void write(Path tmp) throws IOException;
    }

    /** What an output is: one file, or a folder of files. */
    public enum Kind { FILE, FOLDER }

    /** File names prune4j writes into an output folder; anything else in an existing folder makes it foreign. */
    private static final Set<String> FOLDER_FILES = Set.of("config.json", "tokenizer.json", "tokenizer_config.json",
            "model.safetensors", "model.safetensors.index.json", "networks.json", "index.html");

    /** Temporaries being written now: removed by a shutdown hook if the JVM is stopped (SIGINT, SIGTERM). */
    private static final Set<Path> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(AtomicOutput::deleteQuietly), "prune4j-temp-cleanup"));
    }

    private AtomicOutput() {}

    public static void write(Path target, boolean overwrite, Writer writer) {
        write(target, Kind.FILE, overwrite, writer);
    }

    public static void write(Path target, Kind kind, boolean overwrite, Writer writer) {
        Path abs = checkedTarget(target);
        if (Files.exists(abs)) {
            if (!overwrite) throw Prune4jException.inFile(target, "already exists; choose another output or allow replacing it");
            requireReplaceable(target, abs, kind);
        }
        Path parent = abs.getParent();
        Path tmp = parent.resolve("." + abs.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        Path old = parent.resolve("." + abs.getFileName() + ".old-" + ProcessHandle.current().pid());
        LIVE.add(tmp);
        try {
            Files.createDirectories(parent);
            deleteOwnTemp(tmp);
            removeStale(parent, abs.getFileName().toString());
            writer.write(tmp);
            if (kind == Kind.FILE) {
                // rename(2) replaces a regular file atomically: the old file stays until the new one is complete.
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                boolean replacing = Files.exists(abs);
                if (replacing) Files.move(abs, old, StandardCopyOption.ATOMIC_MOVE);
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
                if (replacing) deleteOwnTemp(old);
            }
        } catch (FileAlreadyExistsException e) {
            deleteQuietly(tmp);
            throw Prune4jException.inFile(target, "already exists");
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw Prune4jException.inFile(target, "could not be written: " + e.getMessage());
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        } finally {
            LIVE.remove(tmp);
        }
    }

    /**
     * Removes temporaries of this output left by runs that were killed outright (kill -9, power loss): names
     * ".NAME.tmp-PID" / ".NAME.old-PID" whose process no longer exists.
     */
    private static void removeStale(Path dir, String name) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                for (String kind : new String[]{".tmp-", ".old-"}) {
                    String prefix = "." + name + kind;
                    if (!n.startsWith(prefix)) continue;
                    try {
                        long pid = Long.parseLong(n.substring(prefix.length()));
                        if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).isEmpty()) deleteOwnTemp(p);
                    } catch (NumberFormatException ignored) {
                        // not one of ours
                    }
                }
            }
        }
    }

    /** Refuses paths that name no file of their own: "", ".", "..", a root. */
    private static Path checkedTarget(Path target) {
        String s = target.toString();
        Path name = target.getFileName(), normal = target.normalize().getFileName();
        if (s.isBlank() || name == null || name.toString().equals(".") || name.toString().equals("..")
                || normal == null || normal.toString().isEmpty() || target.toAbsolutePath().normalize().getParent() == null) {
            throw new Prune4jException("'" + s + "' is not an output path: name a file or a new folder");
        }
        return target.toAbsolutePath().normalize();
    }

    private static void requireReplaceable(Path target, Path abs, Kind kind) {
        if (kind == Kind.FILE) {
            if (!Files.isRegularFile(abs)) throw Prune4jException.inFile(target, "is a folder, not a file prune4j wrote; it is never replaced");
            return;
        }
        if (!Files.isDirectory(abs)) throw Prune4jException.inFile(target, "is a file, not a model folder prune4j wrote; it is never replaced");
        try (Stream<Path> s = Files.list(abs)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                boolean ours = Files.isRegularFile(p) && (FOLDER_FILES.contains(n) || n.matches("model-\\d{5}-of-\\d{5}\\.safetensors")
                        || n.matches("(key-neurons-heatmap|key-neurons-per-layer|kept-fraction-vs-tau|saliency-layer\\d{2,3})\\.png"));
                if (!ours) throw Prune4jException.inFile(target, "holds " + n + ", which prune4j does not write; the folder is never replaced");
            }
        } catch (IOException e) {
            throw Prune4jException.inFile(target, "cannot be listed: " + e.getMessage());
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            deleteOwnTemp(p);
        } catch (IOException ignored) {
            // the temporary name is ours alone; a leftover is harmless and replaced next time
        }
    }

    /** Deletes one of this class's own temporary outputs (a file, or a folder of plain files). */
    static void deleteOwnTemp(Path p) throws IOException {
        if (!Files.exists(p)) return;
        String n = p.getFileName().toString();
        if (!n.startsWith(".") || !(n.contains(".tmp-") || n.contains(".old-"))) throw new IOException("refusing to delete " + p);
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
