package org.prune4j.calib;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.prune4j.util.TextFiles;
import org.prune4j.tokenizer.Tokenizer;
import org.prune4j.util.Prune4jException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Calibration sequences: documents are read (plain text, optionally {@code <|endoftext|>}-separated, jsonl with a
 * {@code text} field, or a Hugging Face dataset parquet file with a {@code text} column), joined into one token stream (BOS before each document when the model uses BOS), and
 * {@code samples} windows of {@code length} tokens are drawn at seeded random offsets — the loader of the
 * Wanda/FLAP line of work.
 */
public record CalibrationSet(List<int[]> sequences, Path source, int samples, int length, long seed, long streamTokens,
                             List<String> documents) {

    public static CalibrationSet sample(Path file, Tokenizer tok, int samples, int length, long seed) {
        if (samples < 1 || length < 2) throw new Prune4jException("calibration needs at least 1 sample of at least 2 tokens, got " + samples + " × " + length);
        // The windows are held as int arrays (and their activations pass through the model): refuse, with the
        // numbers, a request the heap cannot hold instead of running out of memory halfway.
        long need = 4L * samples * length, heap = Runtime.getRuntime().maxMemory();
        if (need > heap / 4) {
            throw new Prune4jException(String.format("--calib-samples %d × --calib-len %d is %d tokens (%.1f GB as ids alone); the heap allows %.1f GB: ask for fewer windows",
                    samples, length, (long) samples * length, need / 1e9, heap / 1e9));
        }
        List<String> docs = readDocuments(file);
        // One primitive token stream (4 bytes a token), not boxed integers: C4-sized text stays affordable.
        int[] stream = new int[1 << 16];
        int size = 0;
        for (String d : docs) {
            int[] ids = tok.encode(d);
            if (size + ids.length + 1 > stream.length) stream = java.util.Arrays.copyOf(stream, Math.max(stream.length * 2, size + ids.length + 1));
            if (tok.addBos()) stream[size++] = tok.bos();
            System.arraycopy(ids, 0, stream, size, ids.length);
            size += ids.length;
        }
        if (size < length) {
            throw Prune4jException.inFile(file, "calibration text has " + size + " tokens, fewer than the calibration length " + length
                    + "; give more text or shorter windows");
        }
        Random rnd = new Random(seed);
        List<int[]> seqs = new ArrayList<>();
        for (int s = 0; s < samples; s++) {
            int start = rnd.nextInt(size - length + 1);
            seqs.add(java.util.Arrays.copyOfRange(stream, start, start + length));
        }
        return new CalibrationSet(seqs, file, samples, length, seed, size, docs);
    }

    public static List<String> readDocuments(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".parquet")) return ParquetText.read(file, "text");
        String text = TextFiles.readText(file);
        if (name.endsWith(".jsonl")) {
            List<String> docs = new ArrayList<>();
            ObjectMapper om = new ObjectMapper();
            int n = 0;
            for (String line : text.split("\n")) {
                n++;
                if (line.isBlank()) continue;
                try {
                    JsonNode j = om.readTree(line);
                    if (!j.path("text").isTextual()) throw Prune4jException.inFile(file, "line " + n + " has no \"text\" string");
                    if (!j.path("text").asText().isBlank()) docs.add(j.path("text").asText().strip());
                } catch (IOException e) {
                    throw Prune4jException.inFile(file, "line " + n + " is not valid JSON");
                }
            }
            return docs;
        }
        return TextFiles.documents(text);
    }

    /**
     * Refuses evaluation text that shares documents with the calibration text (compared after whitespace
     * normalisation), so reported perplexities are never measured on calibration data.
     */
    public void requireDisjointFrom(Path evalFile) {
        Set<String> calib = new HashSet<>();
        for (String d : documents) calib.add(d.replaceAll("\\s+", " "));
        int shared = 0;
        for (String d : readDocuments(evalFile)) if (calib.contains(d.replaceAll("\\s+", " "))) shared++;
        if (shared > 0) {
            throw new Prune4jException("calibration text " + source + " and evaluation text " + evalFile + " share " + shared
                    + " documents; calibrate and evaluate on disjoint text (or allow the overlap explicitly)");
        }
    }
}
