package org.prune4j.spark;

import org.prune4j.io.ModelLoader;
import org.prune4j.model.Model;
import org.prune4j.util.Prune4jException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The models an executor JVM has mapped: each file is loaded once per JVM and reused by every task (weights stay
 * memory-mapped, so tasks share the page cache), after checking it is the file the driver fingerprinted.
 */
final class ExecutorModels {
    private static final Map<String, Model> MODELS = new ConcurrentHashMap<>();

    private ExecutorModels() {}

    /** One cut model per JVM: a compare grid evaluates its cells one after another, each over many tasks. */
    private static String cutKey;
    private static Model cut;

    /** The file's model, or the cut of it the reference names (built on first use, kept until another cut is asked). */
    static Model get(ModelRef ref) {
        Model base = get(local(ref.file(), ref.source()), ref.fingerprint());
        if (ref.recipe() == null) return base;
        String key;
        try {
            key = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(SparkTasks.write(ref.recipe())));
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot key a pruned model: " + e, e);
        }
        synchronized (ExecutorModels.class) {
            if (!key.equals(cutKey)) {
                cut = ref.recipe().applyTo(base);
                cutKey = key;
            }
            return cut;
        }
    }

    /** Where this JVM reads the model: the shared path, or its own copy of the URI the driver was given. */
    static String local(String path, String source) {
        return source == null ? path : RemoteModels.localCopy(source);
    }

    static Model get(String path, String fingerprint) {
        return MODELS.computeIfAbsent(path, p -> {
            String here = fingerprint(p);
            if (!here.equals(fingerprint)) {
                throw Prune4jException.inFile(p, "on this executor is another file (" + here + ") than the driver's (" + fingerprint + ")");
            }
            return ModelLoader.load(Path.of(p), null);
        });
    }

    /** An engine over a mapped model for one task, with the task's CPUs as threads. */
    static org.prune4j.engine.Transformer engine(Model m) {
        org.apache.spark.TaskContext ctx = org.apache.spark.TaskContext.get();
        int cpus = ctx == null ? 1 : Math.max(1, ctx.cpus());
        // On an executor JVM the ICA/SVD products get the task's cores too: the default (every core of the host) with
        // two executors per host oversubscribes it (measured: ICA chunks 2-3x slower). The driver's own setting stays.
        org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
        if (env != null && !"driver".equals(env.executorId())) org.prune4j.linalg.DoubleGemm.useThreads(cpus);
        return new org.prune4j.engine.Transformer(m, cpus);
    }

    /** Size and SHA-256 of the first MiB of the model file (of every file, for a folder). */
    static String fingerprint(String path) {
        Path p = Path.of(path);
        if (!Files.exists(p)) throw Prune4jException.inFile(p, "no such file or folder on " + host());
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            long size = 0;
            try (Stream<Path> s = Files.isDirectory(p) ? Files.list(p).sorted() : Stream.of(p)) {
                for (Path f : s.filter(Files::isRegularFile).toList()) {
                    size += Files.size(f);
                    md.update(f.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    try (InputStream in = Files.newInputStream(f)) {
                        md.update(in.readNBytes(1 << 20));
                    }
                }
            }
            return size + " bytes, sha256 of the header " + HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw Prune4jException.inFile(p, "cannot be read on " + host() + ": " + e.getMessage());
        }
    }

    /** For the driver's check: the fingerprint, or the one-line reason this executor cannot read the file. */
    static String fingerprintOrError(String path, String source) {
        try {
            return fingerprint(local(path, source));
        } catch (Prune4jException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "this executor";
        }
    }
}
