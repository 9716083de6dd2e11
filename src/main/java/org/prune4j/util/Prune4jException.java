package org.prune4j.util;

/**
 * A user-facing failure: the message is one line naming the file (or option) and the problem, and the CLI
 * prints only that line. Internal bugs stay ordinary exceptions with stack traces.
 */
public class Prune4jException extends RuntimeException {
    /** Longest message kept: names and values read from a corrupt file can be megabytes of raw bytes. */
    static final int MAX_LENGTH = 400;

    public Prune4jException(String message) {
        super(oneLine(message));
    }

    public Prune4jException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /**
     * The message as one printable line: control characters, lone surrogates and U+FFFD (undecodable bytes) escaped
     * as backslash-u and four hex digits, newlines as backslash-n, and anything past {@link #MAX_LENGTH} characters cut with a count of what was left out.
     */
    static String oneLine(String m) {
        if (m == null) return null;
        StringBuilder b = new StringBuilder(Math.min(m.length(), MAX_LENGTH + 40));
        for (int i = 0; i < m.length() && b.length() < MAX_LENGTH; i++) {
            char c = m.charAt(i);
            if (c == '\n') b.append("\\n");
            else if (Character.isISOControl(c) || c == '\uFFFD' || Character.isSurrogate(c) && !validPair(m, i)) b.append(String.format("\\u%04x", (int) c));
            else {
                b.append(c);
                if (Character.isHighSurrogate(c) && i + 1 < m.length()) b.append(m.charAt(++i));
            }
            if (b.length() >= MAX_LENGTH && i + 1 < m.length()) {
                b.append("… (").append(m.length() - i - 1).append(" more characters)");
                break;
            }
        }
        return b.toString();
    }

    private static boolean validPair(String m, int i) {
        char c = m.charAt(i);
        return Character.isHighSurrogate(c) && i + 1 < m.length() && Character.isLowSurrogate(m.charAt(i + 1));
    }

    /** "FILE: problem" — the shape every format error takes. */
    public static Prune4jException inFile(Object file, String problem) {
        return new Prune4jException(file + ": " + problem);
    }
}
