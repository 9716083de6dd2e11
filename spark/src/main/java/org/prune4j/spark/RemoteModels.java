package org.prune4j.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.prune4j.util.Prune4jException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Models given as a URI (hdfs://, s3a://, any scheme Hadoop's FileSystem has on the classpath): the driver and each
 * executor JVM copy the file (or HF folder) once to local disk and memory-map the copy, as llama.cpp-style mapping
 * needs a local file. The copy is written under a temporary name and renamed, so a killed task leaves no half file.
 */
final class RemoteModels {
    private static final Map<String, String> LOCAL = new ConcurrentHashMap<>();

    private RemoteModels() {}

    /** Whether {@code model} is a URI with a scheme (and not a plain local path). */
    static boolean isRemote(String model) {
        return model != null && model.matches("[a-zA-Z][a-zA-Z0-9+.-]*://.*");
    }

    /** The local copy of the model at {@code uri} for this JVM, fetched on first use. */
    static String localCopy(String uri) {
        return LOCAL.computeIfAbsent(uri, RemoteModels::fetch);
    }

    private static String fetch(String uri) {
        try {
            String key = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(uri.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "prune4j-models", key);
            org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(uri);
            Path target = dir.resolve(src.getName());
            if (Files.exists(target)) return target.toString(); // fetched by an earlier JVM on this host
            Files.createDirectories(dir);
            Path part = Files.createTempDirectory(dir, "fetch-");
            FileSystem fs = src.getFileSystem(new Configuration());
            fs.copyToLocalFile(false, src, new org.apache.hadoop.fs.Path(part.resolve(src.getName()).toUri()), true);
            Files.move(part.resolve(src.getName()), target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(part);
            return target.toString();
        } catch (IOException | IllegalArgumentException | java.security.NoSuchAlgorithmException e) {
            throw new Prune4jException(uri + ": cannot be copied to local disk: " + e.getMessage());
        }
    }
}
