package org.prune4j.prune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.prune4j.criteria.Scores;
import org.prune4j.model.ModelConfig;
import org.prune4j.util.AtomicOutput;
import org.prune4j.util.JsonFiles;
import org.prune4j.util.Prune4jException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Any method's scores, saved once ({@code --save-scores}) and allocated again at other ratios or with other
 * allocations without scoring again ({@code --scores}). The file names the method and the shape it was scored on
 * (heads and MLP width per layer); a file of another shape is refused in one line naming it.
 */
public final class ScoresFile {
    static final String FORMAT = "prune4j-scores";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ScoresFile() {}

    /** The file's content: format tag, the method, the shape scored, and the scores. */
    public record Saved(String format, int version, String criterion, int[] heads, int[] ffn, double[][] headScores, double[][] channelScores,
                        double[] layerScores, boolean standardised, double[] moduleScores) {}

    /** Writes the scores atomically; an existing file is replaced only with {@code overwrite}. */
    public static void write(Path file, Scores s, ModelConfig c, boolean overwrite) {
        int n = c.layerCount();
        int[] heads = new int[n], ffn = new int[n];
        for (int l = 0; l < n; l++) {
            heads[l] = c.layer(l).heads();
            ffn[l] = c.layer(l).ffnDim();
        }
        Saved saved = new Saved(FORMAT, 1, s.criterion(), heads, ffn, s.heads(), s.channels(), s.layers(), s.standardised(), s.modules());
        AtomicOutput.write(file, overwrite, tmp -> Files.writeString(tmp, MAPPER.writeValueAsString(saved)));
    }

    /** Reads scores saved for a model of this shape; one line naming the file on anything else. */
    public static Scores read(Path file, ModelConfig c) {
        JsonNode root = JsonFiles.read(file);
        if (!FORMAT.equals(root.path("format").asText())) throw Prune4jException.inFile(file, "is not a prune4j scores file (written by --save-scores)");
        Saved s;
        try {
            s = MAPPER.treeToValue(root, Saved.class);
        } catch (Exception e) {
            throw Prune4jException.inFile(file, "is not a valid scores file: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        int n = c.layerCount();
        if (s.criterion() == null || s.heads() == null || s.ffn() == null || s.headScores() == null || s.channelScores() == null
                || s.heads().length != n || s.ffn().length != n || s.headScores().length != n || s.channelScores().length != n
                || (s.layerScores() != null && s.layerScores().length != n) || (s.moduleScores() != null && s.moduleScores().length != 2 * n)) {
            throw Prune4jException.inFile(file, "was not scored on a model of " + n + " layers");
        }
        for (int l = 0; l < n; l++) {
            if (s.heads()[l] != c.layer(l).heads() || s.ffn()[l] != c.layer(l).ffnDim() || s.headScores()[l] == null || s.channelScores()[l] == null
                    || s.headScores()[l].length != c.layer(l).heads() || s.channelScores()[l].length != c.layer(l).ffnDim()) {
                throw Prune4jException.inFile(file, "layer " + l + " was scored with another shape than this model's ("
                        + c.layer(l).heads() + " heads, " + c.layer(l).ffnDim() + " MLP channels)");
            }
        }
        Scores out = new Scores(s.criterion(), s.headScores(), s.channelScores(), s.layerScores() == null ? new double[n] : s.layerScores(),
                s.standardised(), s.moduleScores());
        try {
            out.requireFinite();
        } catch (Prune4jException e) {
            throw Prune4jException.inFile(file, e.getMessage());
        }
        return out;
    }
}
