package org.prune4j.util;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a JSON file, turning a missing or malformed file into the usual one-line error. */
public final class JsonFiles {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonFiles() {}

    public static JsonNode read(Path file) {
        TextFiles.requireReadableSize(file, 4); // a JSON tree costs several times its text
        try {
            return MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw Prune4jException.inFile(file, "not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
