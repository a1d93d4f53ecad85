package org.numeter.collector.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.numeter.collector.PollerAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pollers file: one poller per line, {@code host url [token]}, blank lines and {@code #} comments ignored. It is
 * read again whenever its content changes; a bad line is logged with its number and skipped, and the other lines
 * still count.
 */
public final class PollersFile {
    private static final Logger LOG = LoggerFactory.getLogger(PollersFile.class);

    private final Path path;
    private byte[] lastContent;

    public PollersFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /** The pollers when the file changed since the last call (always on the first), else empty. */
    public Optional<Parsed> reloadIfChanged() throws IOException {
        byte[] content = Files.readAllBytes(path);
        if (lastContent != null && Arrays.equals(content, lastContent)) {
            return Optional.empty();
        }
        lastContent = content;
        Parsed parsed = parse(new String(content, StandardCharsets.UTF_8), path.toString());
        parsed.problems().forEach(p -> LOG.warn("{}", p));
        LOG.info("pollers file {}: {} pollers", path, parsed.pollers().size());
        return Optional.of(parsed);
    }

    /** Parses the text of a pollers file; {@code where} names it in problems. */
    public static Parsed parse(String text, String where) {
        return parse(List.of(text.split("\\R", -1)), where + " line ");
    }

    /** Parses {@code host url [token]} lines; problems start with {@code place} and the line's number. */
    public static Parsed parse(List<String> lines, String place) {
        Map<String, PollerAddress> pollers = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] words = line.split("\\s+");
            String at = place + (i + 1) + ": ";
            if (words.length < 2 || words.length > 3) {
                problems.add(at + "'" + words[0] + (words.length > 1 ? " " + words[1] : "")
                        + "' is not 'host url [token]'");
                continue;
            }
            try {
                PollerAddress a = PollerAddress.of(words[0], words[1], words.length == 3 ? words[2] : null);
                if (pollers.putIfAbsent(a.host(), a) != null) {
                    problems.add(at + "host '" + a.host() + "' is listed twice; the first line wins");
                }
            } catch (IllegalArgumentException e) {
                problems.add(at + e.getMessage());
            }
        }
        return new Parsed(List.copyOf(pollers.values()), List.copyOf(problems));
    }

    /** The pollers a file lists, and what was wrong with the lines that were skipped. */
    public record Parsed(List<PollerAddress> pollers, List<String> problems) {}
}
