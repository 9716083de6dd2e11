package org.prune4j.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reading text files and splitting them into documents, for calibration and evaluation alike. */
public final class TextFiles {
    /** The line that separates documents (TinyStories' convention). */
    public static final String SEPARATOR = "<|endoftext|>";

    private TextFiles() {}

    public static String readText(Path file) {
        requireReadableSize(file, 2);
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw Prune4jException.inFile(file, "no such file");
        } catch (java.nio.charset.MalformedInputException e) {
            throw Prune4jException.inFile(file, "is not UTF-8 text");
        } catch (IOException e) {
            throw Prune4jException.inFile(file, "cannot read: " + e.getMessage());
        }
    }

    /**
     * Refuses, before reading, what cannot be read whole: a device, pipe or folder (/dev/zero never ends), a file
     * beyond Java's 2 GiB string limit, or one whose decoded form (about {@code bytesPerByte} × its size) the heap
     * cannot hold; the message gives the numbers.
     */
    public static void requireReadableSize(Path file, int bytesPerByte) {
        if (!Files.exists(file)) throw Prune4jException.inFile(file, "no such file");
        if (!Files.isRegularFile(file)) throw Prune4jException.inFile(file, "is not a regular file (a device, pipe or folder cannot be read as input)");
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw Prune4jException.inFile(file, "cannot read: " + e.getMessage());
        }
        if (size > Integer.MAX_VALUE - 64) throw Prune4jException.inFile(file, "is " + size + " bytes, more than the 2 GiB one text input may hold");
        long heap = Runtime.getRuntime().maxMemory();
        if (size * bytesPerByte > heap / 2) {
            throw Prune4jException.inFile(file, String.format("is %.1f MB; reading it needs about %.1f MB of heap, half the %.0f MB allowed (raise -Xmx in PRUNE4J_JAVA_OPTS)",
                    size / 1e6, size * bytesPerByte / 1e6, heap / 1e6));
        }
    }

    /** Documents: split on separator lines, strip, drop empties. */
    public static List<String> documents(String text) {
        List<String> docs = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (line.strip().equals(SEPARATOR)) {
                add(docs, cur);
                cur.setLength(0);
            } else {
                cur.append(line).append('\n');
            }
        }
        add(docs, cur);
        return docs;
    }

    private static void add(List<String> docs, StringBuilder cur) {
        String s = cur.toString().strip();
        if (!s.isEmpty()) docs.add(s);
    }

}
