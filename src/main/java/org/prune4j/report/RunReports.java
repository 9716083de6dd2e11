package org.prune4j.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.prune4j.util.Prune4jException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The one place run reports become JSON and come back from it. */
public final class RunReports {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private RunReports() {}

    public static String toJson(Object report) {
        try {
            return MAPPER.writeValueAsString(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("report not serialisable", e);
        }
    }

    public static RunReport read(Path file) {
        if (!Files.exists(file)) throw Prune4jException.inFile(file, "no such file");
        try {
            return MAPPER.readValue(file.toFile(), RunReport.class);
        } catch (IOException e) {
            throw Prune4jException.inFile(file, "is not a prune4j run report: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
