package org.prune4j.cli;

import org.prune4j.util.Prune4jException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code prune4j} command. Subcommands only parse options and call the library. */
@Command(name = "prune4j", mixinStandardHelpOptions = true, version = "prune4j 0.1.0",
        description = "Structured pruning of LLaMA-family models: prune, plan, evaluate, generate, convert, benchmark.",
        subcommands = {DemoCommand.class, EvalCommand.class, PruneCommand.class, PlanCommand.class, MethodsCommand.class, GenerateCommand.class, ConvertCommand.class, SynthCommand.class, BenchCommand.class, NetworksCommand.class, CompareCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the CLI and returns the exit code: 0 success, 1 a user-facing error (one line), 2 bad usage (the one wrong
     * option and a pointer to --help, not the whole usage). Any other exception is a bug: one line with an id, and
     * the stack trace in a log file named in that line.
     */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        // The methods' and allocations' own flags come from their declarations in the catalogue.
        for (String name : java.util.List.of("prune", "plan")) MethodFlags.addTo(cl.getSubcommands().get(name).getCommandSpec(), MethodFlags.catalogued());
        MethodFlags.addTo(cl.getSubcommands().get("networks").getCommandSpec(), org.prune4j.methods.networks.FunctionalNetworksCriterion.ANALYSIS_OPTIONS);
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("prune4j: " + oneLine(ex.getMessage()));
            cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            Throwable t = ex;
            while (!(t instanceof Prune4jException) && t.getCause() != null) t = t.getCause();
            if (t instanceof Prune4jException p) {
                cmd.getErr().println("prune4j: " + oneLine(p.getMessage()));
                return 1;
            }
            cmd.getErr().println("prune4j: internal error " + report(ex) + ": " + ex.getClass().getSimpleName() + ": " + oneLine(String.valueOf(ex.getMessage())));
            return 1;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            // An Error escapes picocli's handlers; it still ends in one line, with the numbers a user can act on.
            System.err.printf("prune4j: out of memory (the heap is %.1f GiB): give the JVM more with PRUNE4J_JAVA_OPTS=-Xmx..., or ask for "
                    + "less (fewer calibration windows, a shorter --seq-len, fewer --jobs); internal error %s%n",
                    Runtime.getRuntime().maxMemory() / (double) (1L << 30), report(e));
            return 1;
        } catch (StackOverflowError e) {
            System.err.println("prune4j: internal error " + report(e) + ": stack overflow (a nested input too deep?)");
            return 1;
        }
    }

    /** A message on one line, control characters escaped and length capped (file bytes may end up in messages). */
    static String oneLine(String m) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < m.length() && b.length() < 400; i++) {
            char c = m.charAt(i);
            if (c == '\n' || c == '\r' || c == '\t') b.append(' ');
            else if (Character.isISOControl(c)) b.append(String.format("\\x%02x", (int) c));
            else b.append(c);
        }
        if (b.length() >= 400) b.append("…");
        return b.toString().strip();
    }

    /** Writes the trace to a log file and returns "ID (trace in FILE)". */
    private static String report(Throwable ex) {
        String id = Long.toHexString(System.nanoTime() & 0xffffffL);
        try {
            java.nio.file.Path log = java.nio.file.Files.createTempFile("prune4j-error-" + id + "-", ".log");
            java.io.StringWriter w = new java.io.StringWriter();
            ex.printStackTrace(new java.io.PrintWriter(w));
            java.nio.file.Files.writeString(log, w.toString());
            return id + " (trace in " + log + ")";
        } catch (java.io.IOException e) {
            return id;
        }
    }
}
