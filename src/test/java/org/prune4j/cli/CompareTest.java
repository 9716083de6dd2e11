package org.prune4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.prune4j.TestData;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code prune4j compare} on stories260K: the grid's files, the papers' table, the HTML page opened in headless
 * Chromium (every figure loads and is not blank), resuming (finished cells are not recomputed, a lost cell is),
 * and the refusals that protect results already computed.
 */
class CompareTest {
    static final String CALIB = TestData.ROOT.resolve("data/tinystories/TinyStories-train.head1000rows.sel596.txt").toString();

    static String[] args(Path out, String methods, String samples) {
        return new String[] {"compare", "--model", TestData.STORIES.toString(), "--methods", methods, "--ratios", "0.2,0.5", "--calib", CALIB,
                "--calib-samples", samples, "--calib-len", "64", "--ppl", TestData.HEAD46 + "," + TestData.HEAD46 + ":llm-pruner",
                "--tasks", "arc_easy,copa", "--limit", "10", "--speed-tokens", "32", "--out", out.toString(), "--no-progress"};
    }

    @Test
    void gridTablePageResumeAndRefusals() throws Exception {
        Path out = TestData.tempDir().resolve("cmp");
        CliRunner.Outcome o = CliRunner.run(args(out, "magnitude,wanda-sp", "8"));
        assertThat(o.exit()).as(o.err()).isZero();
        for (String f : List.of("results.json", "results.csv", "table.md", "index.html", "grid.json")) assertThat(out.resolve(f)).isNotEmptyFile();
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertThat(csv).hasSize(1 + 1 + 2 * 2);
        assertThat(csv.get(1)).startsWith("dense,0");
        String md = Files.readString(out.resolve("table.md"));
        assertThat(md.lines().skip(2).findFirst().orElse("")).startsWith("| 0 | dense |");
        assertThat(md).contains("**").contains("(llm-pruner)").contains("copa (acc)").contains("arc_easy (acc_norm)");
        JsonNode res = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        JsonNode dense = res.path("cells").get(0);
        assertThat(dense.path("ppl").get(0).path("perplexity").asDouble()).isBetween(3.39, 3.40);
        assertThat(dense.path("ppl").get(1).path("protocol").asText()).isEqualTo("llm-pruner");
        for (JsonNode c : res.path("cells")) {
            if (c.path("method").asText().equals("dense")) continue;
            assertThat(c.path("removedFraction").asDouble()).isGreaterThanOrEqualTo(c.path("ratio").asDouble());
            assertThat(c.path("decodeVsDense").asDouble()).isPositive();
        }

        // The page in headless Chromium: every figure loads, and none is a blank bitmap.
        Process p = new ProcessBuilder("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000", "--dump-dom",
                out.resolve("index.html").toUri().toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dom = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String check = dom.substring(dom.indexOf("<pre id=\"figure-check\">"), dom.indexOf("</pre>", dom.indexOf("figure-check")));
        List<String> figures = check.lines().map(l -> l.replace("<pre id=\"figure-check\">", "")).filter(l -> !l.isBlank()).toList();
        assertThat(figures).as("figures reported by the page (chromium: .ci/run installs it)").hasSizeGreaterThanOrEqualTo(6);
        for (String f : figures) {
            assertThat(f).contains(" loaded ");
            BufferedImage img = ImageIO.read(out.resolve(f.split(" ")[0]).toFile());
            Set<Integer> colours = new HashSet<>();
            for (int y = 0; y < img.getHeight(); y += 3) for (int x = 0; x < img.getWidth(); x += 3) colours.add(img.getRGB(x, y));
            assertThat(colours.size()).as(f + " has more than a background").isGreaterThan(8);
        }

        // Resume: nothing finished is recomputed; a lost cell is; a new method extends the grid.
        Path kept = out.resolve("cells/magnitude-0.2000.json"), lost = out.resolve("cells/wanda-sp-0.5000.json");
        FileTime before = Files.getLastModifiedTime(kept);
        Files.delete(lost);
        CliRunner.Outcome again = CliRunner.run(args(out, "magnitude,wanda-sp,random", "8"));
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(Files.getLastModifiedTime(kept)).isEqualTo(before);
        assertThat(lost).isNotEmptyFile();
        assertThat(Files.readAllLines(out.resolve("results.csv"))).hasSize(1 + 1 + 3 * 2);

        // Another configuration in the same folder is refused, and nothing there changes.
        String csvBefore = Files.readString(out.resolve("results.csv"));
        CliRunner.Outcome other = CliRunner.run(args(out, "magnitude", "16"));
        assertThat(other.exit()).isEqualTo(1);
        assertThat(other.err().strip()).hasLineCount(1).contains("another configuration (calibSamples differ)");
        assertThat(Files.readString(out.resolve("results.csv"))).isEqualTo(csvBefore);
        Path foreign = TestData.tempDir().resolve("foreign");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        assertThat(CliRunner.run(args(foreign, "magnitude", "8")).err()).contains("not a prune4j comparison");
        assertThat(CliRunner.run(args(TestData.tempDir().resolve("x"), "magnitude,oracle", "8")).err()).contains("unknown pruning method 'oracle'");

        // --jobs 2: the dense model and the methods side by side give the same plans and numbers; speeds come after.
        Path par = TestData.tempDir().resolve("cmp-jobs");
        String[] a = args(par, "magnitude,wanda-sp,random", "8");
        String[] withJobs = java.util.Arrays.copyOf(a, a.length + 2);
        withJobs[a.length] = "--jobs";
        withJobs[a.length + 1] = "2";
        CliRunner.Outcome j = CliRunner.run(withJobs);
        assertThat(j.exit()).as(j.err()).isZero();
        JsonNode serial = new ObjectMapper().readTree(out.resolve("results.json").toFile()).path("cells");
        JsonNode parallel = new ObjectMapper().readTree(par.resolve("results.json").toFile()).path("cells");
        assertThat(parallel.size()).isEqualTo(serial.size());
        for (int i = 0; i < serial.size(); i++) {
            String name = serial.get(i).path("method").asText() + " " + serial.get(i).path("ratio").asDouble();
            assertThat(parallel.get(i).path("ppl")).as(name).isEqualTo(serial.get(i).path("ppl"));
            assertThat(parallel.get(i).path("tasks").toString().replaceAll("\"seconds\":[^,}]*", ""))
                    .as(name).isEqualTo(serial.get(i).path("tasks").toString().replaceAll("\"seconds\":[^,}]*", ""));
            assertThat(parallel.get(i).path("jobs").asInt()).isEqualTo(2);
            assertThat(parallel.get(i).path("prefillVsDense").asDouble()).as(name).isPositive();
        }
        for (String plan : List.of("magnitude-0.2000.plan.json", "wanda-sp-0.5000.plan.json", "random-0.5000.plan.json")) {
            assertThat(par.resolve("cells").resolve(plan)).hasSameTextualContentAs(out.resolve("cells").resolve(plan));
        }
    }

    /** A ratio a method cannot reach is noted, not fatal: the other ratios are evaluated, and a resume does not retry it. */
    @Test
    void unreachableRatioIsNotedAndTheGridGoesOn() throws Exception {
        Path out = TestData.tempDir().resolve("cmp-unreachable");
        String[] a = {"compare", "--model", TestData.STORIES.toString(), "--methods", "magnitude", "--ratios", "0.2,0.95", "--ppl", TestData.HEAD46.toString(),
                "--speed-tokens", "0", "--out", out.toString(), "--no-progress"};
        CliRunner.Outcome o = CliRunner.run(a);
        assertThat(o.exit()).as(o.err()).isZero();
        assertThat(Files.readAllLines(out.resolve("results.csv"))).hasSize(1 + 1 + 1);
        assertThat(Files.readString(out.resolve("table.md"))).contains("Not reachable: magnitude at 95% (a ratio of 0.950 cannot be reached");
        Path note = out.resolve("cells/magnitude-0.9500.unreachable.json");
        FileTime before = Files.getLastModifiedTime(note);
        assertThat(CliRunner.run(a).exit()).isZero();
        assertThat(Files.getLastModifiedTime(note)).isEqualTo(before);
    }
}
