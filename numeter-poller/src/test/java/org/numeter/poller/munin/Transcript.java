package org.numeter.poller.munin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A recorded munin-node conversation replayed: the banner, then {@code > command} lines each followed by the
 * node's answer. A line {@code !close} in an answer is where the node hung up. A command asked more often than
 * recorded gets its last answer again.
 */
final class Transcript implements MuninConnection.Connector {
    private final String banner;
    private final Map<String, List<List<String>>> answers = new LinkedHashMap<>();
    final AtomicInteger opened = new AtomicInteger();
    final List<String> asked = new ArrayList<>();

    private Transcript(List<String> lines) {
        banner = lines.get(0);
        String command = null;
        List<String> answer = null;
        for (String line : lines.subList(1, lines.size())) {
            if (line.startsWith("> ")) {
                command = line.substring(2);
                answer = new ArrayList<>();
                answers.computeIfAbsent(command, c -> new ArrayList<>()).add(answer);
            } else if (answer != null) {
                answer.add(line);
            }
        }
    }

    static Transcript load(String resource) {
        try (InputStream in = Transcript.class.getResourceAsStream("/munin/" + resource)) {
            return new Transcript(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The recorded answer to {@code command}, without the final ".". */
    List<String> answer(String command) {
        List<String> a = answers.get(command).get(0);
        return a.subList(0, a.size() - 1);
    }

    @Override
    public MuninConnection open(long deadline) {
        opened.incrementAndGet();
        Map<String, Integer> used = new LinkedHashMap<>();
        Deque<String> pending = new ArrayDeque<>();
        pending.add(banner);
        return new MuninConnection() {
            boolean hungUp;

            @Override
            public String readLine() {
                if (hungUp || pending.isEmpty()) {
                    return null;
                }
                String line = pending.removeFirst();
                if (line.equals("!close")) {
                    hungUp = true;
                    return null;
                }
                return line;
            }

            @Override
            public void writeLine(String line) throws IOException {
                if (hungUp) {
                    throw new IOException("broken pipe");
                }
                synchronized (asked) {
                    asked.add(line);
                }
                List<List<String>> recorded = answers.get(line);
                if (recorded == null) {
                    if (!line.equals("quit")) {
                        pending.add("# Unknown command. Try cap, list, nodes, config, fetch, version or quit");
                    }
                    return;
                }
                int n = used.merge(line, 1, Integer::sum) - 1;
                pending.addAll(recorded.get(Math.min(n, recorded.size() - 1)));
            }

            @Override
            public void close() {
                hungUp = true;
            }
        };
    }
}
