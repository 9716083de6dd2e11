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
