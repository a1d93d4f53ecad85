package org.numeter.munin;

/** A line of a munin plugin's answer, as the config and the value parsers both read it. */
final class MuninLine {
    private MuninLine() {}

    /** {@code raw} stripped; null for a blank line or a comment, which munin's master ignores as well. */
    static String meaningful(String raw) {
        String line = raw.strip();
        return line.isEmpty() || line.startsWith("#") ? null : line;
    }

    /** Where a line's key ends: its first white space, -1 when the line is all key. */
    static int indexOfSpace(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (Character.isWhitespace(line.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
