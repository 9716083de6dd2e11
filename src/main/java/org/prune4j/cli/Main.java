package org.prune4j.cli;

import org.prune4j.util.Prune4jException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code prune4j} command. Subcommands only parse options and call the library. */
@Command(name = "prune4j", mixinStandardHelpOptions = true, version = "prune4j 0.1.0",
        description = "Structured pruning of LLaMA-family models: prune, plan, evaluate, generate, convert, benchmark.",
        subcommands = {DemoCommand.class, EvalCommand.class, PruneCommand.class, PlanCommand.class, MethodsCommand.class, GenerateCommand.class, ConvertCommand.class, SynthCommand.class, BenchCommand.class,
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

    /** Runs the CLI and returns the exit code: 0 success, 1 a user-facing error (one line), 2 bad usage. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            Throwable t = ex;
            while (!(t instanceof Prune4jException) && t.getCause() != null) t = t.getCause();
            if (t instanceof Prune4jException p) {
                System.err.println("prune4j: " + p.getMessage());
                return 1;
            }
            throw ex;
        });
        return cl.execute(args);
    }
}
