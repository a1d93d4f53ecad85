package org.numeter.poller.system;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small parsing helpers shared by the readers; errors quote the file and the line. */
final class Proc {
    private Proc() {}

    static String[] words(String line) {
        return line.trim().split("\\s+");
    }

    static long number(String file, String line, String word) throws IOException {
        try {
            return Long.parseLong(word);
        } catch (NumberFormatException e) {
            throw new IOException(file + ": '" + word + "' is not a number in line '" + line + "'", e);
        }
    }

    static double decimal(String file, String line, String word) throws IOException {
        try {
            return Double.parseDouble(word);
        } catch (NumberFormatException e) {
            throw new IOException(file + ": '" + word + "' is not a number in line '" + line + "'", e);
        }
    }

    /** The first line starting with {@code key} followed by a space, or an error naming the file. */
    static String line(String file, List<String> lines, String key) throws IOException {
        for (String l : lines) {
            if (l.startsWith(key + " ") || l.startsWith(key + "\t")) {
                return l;
            }
        }
        throw new IOException(file + ": no line '" + key + "'");
    }

    /** {@code Key: value [kB]} lines (meminfo) as bytes or plain numbers. */
    static Map<String, Long> keyed(String file, List<String> lines) throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String l : lines) {
            int colon = l.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String[] w = words(l.substring(colon + 1));
            if (w.length == 0 || w[0].isEmpty()) {
                continue;
            }
            long v = number(file, l, w[0]);
            out.put(l.substring(0, colon).trim(), w.length > 1 && w[1].equals("kB") ? v * 1024 : v);
        }
        return out;
    }

    static long require(String file, Map<String, Long> values, String key) throws IOException {
        Long v = values.get(key);
        if (v == null) {
            throw new IOException(file + ": no '" + key + "'");
        }
        return v;
    }

    /** Plugin names from device and interface names: munin's cleaning, keeping dots and dashes. */
    static String pluginPart(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean ok = Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '-' || c == '.';
            out.append(ok ? c : '_');
        }
        return out.toString().replace("..", "__");
    }
}
