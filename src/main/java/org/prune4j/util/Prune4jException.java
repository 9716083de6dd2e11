package org.prune4j.util;

/**
 * A user-facing failure: the message is one line naming the file (or option) and the problem, and the CLI
 * prints only that line. Internal bugs stay ordinary exceptions with stack traces.
 */
public class Prune4jException extends RuntimeException {
    public Prune4jException(String message) {
        super(message);
    }

    public Prune4jException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "FILE: problem" — the shape every format error takes. */
    public static Prune4jException inFile(Object file, String problem) {
        return new Prune4jException(file + ": " + problem);
    }
}
