package org.numeter.telemetry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * A {@link Telemetry}'s figures written as Prometheus text (version 0.0.4) here, without Micrometer: a poller's.
 * The output is what {@link MicrometerBackend} writes for the same figures (names, help, labels sorted by name,
 * series sorted by label values, numbers as Java writes doubles, families sorted by name), with the JVM's meters
 * read from its MXBeans at each scrape ({@link JvmFigures}, which says what differs from Micrometer's binders).
 * The request histogram's {@code _max} is the largest of the last one to two minutes, as Micrometer's about is.
 */
final class PlainBackend implements Backend {
    /** One series bound by {@link #counter} or {@link #gauge}; its identity is what {@link #remove} takes. */
    private static final class Bound {
        final String name;
        final String help;
        final boolean counter;
        final String keys;
        final String labels;
        final String sortKey;
        final LongSupplier count;
        final DoubleSupplier value;

        Bound(String name, String help, boolean counter, String[] tags, LongSupplier count, DoubleSupplier value) {
            if (tags.length % 2 != 0) {
                throw new IllegalArgumentException("meter " + name + ": tags must be key-value pairs, not "
                        + Arrays.toString(tags));
            }
            this.name = name.replace('.', '_') + (counter ? "_total" : "");
            this.help = help;
            this.counter = counter;
            String[] sorted = sortedPairs(tags);
            StringBuilder k = new StringBuilder();
            for (int i = 0; i < sorted.length; i += 2) {
                k.append(sorted[i]).append(',');
            }
            this.keys = k.toString();
            this.labels = labels(sorted, null, null);
            this.sortKey = sortKey(sorted);
            this.count = count;
            this.value = value;
        }
    }

    /** The requests of one server, method, route and status. */
    private static final class Requests {
        final String labels;
        final String[] pairs;
        final long[] buckets = new long[Telemetry.BUCKETS.length];
        long count;
        long sumNanos;
        long maxNanos;
        long previousMaxNanos;
        long windowStart;

        Requests(String[] pairs, long now) {
            this.pairs = pairs;
            this.labels = labels(pairs, null, null);
            this.windowStart = now;
        }

        /** The largest of this window and the one before; a window is a minute. */
        long max(long now) {
            if (now - windowStart >= 2 * WINDOW_NANOS) {
                previousMaxNanos = 0;
                maxNanos = 0;
                windowStart = now;
            } else if (now - windowStart >= WINDOW_NANOS) {
                previousMaxNanos = maxNanos;
                maxNanos = 0;
                windowStart += WINDOW_NANOS;
            }
            return Math.max(maxNanos, previousMaxNanos);
        }
    }

    private static final long WINDOW_NANOS = 60_000_000_000L;

    private final List<Bound> bound = new ArrayList<>();
    private final List<Family> families = new ArrayList<>();
    private final Map<String, Requests> requests = new TreeMap<>();
    private final JvmFigures jvm = new JvmFigures();

    @Override
    public Object counter(String name, String help, LongSupplier value, String... tags) {
        return bind(new Bound(name, help, true, tags, value, null));
    }

    @Override
    public Object gauge(String name, String help, DoubleSupplier value, String... tags) {
        return bind(new Bound(name, help, false, tags, null, value));
    }

    /** A second binding of one name and tags replaces the first; one of other tag keys is a bug, as in Micrometer. */
    private synchronized Bound bind(Bound b) {
        for (int i = 0; i < bound.size(); i++) {
            Bound o = bound.get(i);
            if (o.name.equals(b.name)) {
                if (!o.keys.equals(b.keys) || o.counter != b.counter) {
                    throw new IllegalArgumentException("meter " + b.name + " is already bound with tags "
                            + o.keys + " (" + (o.counter ? "counter" : "gauge") + "), not " + b.keys);
                }
                if (o.labels.equals(b.labels)) {
                    bound.remove(i);
                    break;
                }
            }
        }
        bound.add(b);
        return b;
    }

    @Override
    public synchronized void remove(Object b) {
        for (int i = 0; i < bound.size(); i++) {
            if (bound.get(i) == b) {
                bound.remove(i);
                return;
            }
        }
    }

    @Override
    public synchronized void register(Family family) {
        families.add(family);
    }

    @Override
    public void timeRequest(String server, String method, String route, int status, long nanos) {
        String[] pairs = sortedPairs(new String[] {"server", server, "method", method, "route", route, "status",
            Integer.toString(status)});
        String key = sortKey(pairs);
        long now = System.nanoTime();
        synchronized (requests) {
            Requests r = requests.get(key);
            if (r == null) {
                r = new Requests(pairs, now);
                requests.put(key, r);
            }
            for (int i = 0; i < Telemetry.BUCKETS.length; i++) {
                if (nanos <= Telemetry.BUCKETS[i].toNanos()) {
                    r.buckets[i]++;
                    break;
                }
            }
            r.count++;
            r.sumNanos += nanos;
            r.max(now);
            r.maxNanos = Math.max(r.maxNanos, nanos);
        }
    }

    @Override
    public String scrape() {
        Out out = new Out();
        jvm.write(out);
        out.gauge("numeter_build_info", BuildInfo.HELP, "1", "version", BuildInfo.version());
        List<Bound> now;
        List<Family> fams;
        synchronized (this) {
            now = new ArrayList<>(bound);
            fams = new ArrayList<>(families);
        }
        for (Bound b : now) {
            double v;
            try {
                v = b.counter ? b.count.getAsLong() : b.value.getAsDouble();
            } catch (RuntimeException e) {
                v = Double.NaN; // as Micrometer: a figure that cannot be read now is NaN, /metrics still answers
            }
            out.line(b.name, b.help, b.counter ? "counter" : "gauge", b.sortKey,
                    b.name + b.labels + " " + number(v) + "\n");
        }
        for (Family f : fams) {
            String name = f.counter() ? f.name() + "_total" : f.name();
            String type = f.counter() ? "counter" : "gauge";
            String[] names = f.labels().toArray(String[]::new);
            f.read((values, v) -> {
                String[] pairs = new String[names.length * 2];
                for (int i = 0; i < names.length; i++) {
                    pairs[2 * i] = names[i];
                    pairs[2 * i + 1] = values[i];
                }
                String[] sorted = sortedPairs(pairs);
                out.line(name, f.help(), type, sortKey(sorted), name + labels(sorted, null, null) + " "
                        + number(v) + "\n");
            });
        }
        writeRequests(out);
        return out.toString();
    }

    private void writeRequests(Out out) {
        String name = Telemetry.REQUESTS.replace('.', '_') + "_seconds"; // Micrometer adds a timer's unit
        long now = System.nanoTime();
        synchronized (requests) {
            for (Map.Entry<String, Requests> e : requests.entrySet()) {
                Requests r = e.getValue();
                StringBuilder s = new StringBuilder();
                long cumulative = 0;
                for (int i = 0; i < Telemetry.BUCKETS.length; i++) {
                    cumulative += r.buckets[i];
                    s.append(name).append("_bucket").append(labels(r.pairs, "le",
                            Double.toString(Telemetry.BUCKETS[i].toNanos() / 1e9))).append(' ').append(cumulative)
                            .append('\n');
                }
                s.append(name).append("_bucket").append(labels(r.pairs, "le", "+Inf")).append(' ').append(r.count)
                        .append('\n');
                s.append(name).append("_count").append(r.labels).append(' ').append(r.count).append('\n');
                s.append(name).append("_sum").append(r.labels).append(' ').append(number(r.sumNanos / 1e9))
                        .append('\n');
                out.line(name, Telemetry.REQUESTS_HELP, "histogram", e.getKey(), s.toString());
                out.line(name + "_max", Telemetry.REQUESTS_HELP, "gauge", e.getKey(),
                        name + "_max" + r.labels + " " + number(r.max(now) / 1e9) + "\n");
            }
        }
    }

    @Override
    public synchronized int size() {
        return bound.size() + families.size() + requests.size();
    }

    @Override
    public void close() {
        synchronized (this) {
            bound.clear();
            families.clear();
        }
    }

    /** One scrape's text, by family (sorted by name), each family's series sorted by their label values. */
    static final class Out {
        private static final class Block {
            final String head;
            final TreeMap<String, String> series = new TreeMap<>();

            Block(String head) {
                this.head = head;
            }
        }

        private final TreeMap<String, Block> blocks = new TreeMap<>();

        /** Adds the text of one series (a line, or a histogram's lines) to family {@code name}. */
        void line(String name, String help, String type, String sortKey, String text) {
            Block b = blocks.get(name);
            if (b == null) {
                b = new Block("# HELP " + name + " " + help.replace("\\", "\\\\").replace("\n", "\\n") + "\n# TYPE "
                        + name + " " + type + "\n");
                blocks.put(name, b);
            }
            b.series.merge(sortKey, text, String::concat);
        }

        void gauge(String name, String help, String value, String... tags) {
            String[] sorted = sortedPairs(tags);
            line(name, help, "gauge", sortKey(sorted), name + labels(sorted, null, null) + " " + value + "\n");
        }

        void gauge(String name, String help, double value, String... tags) {
            gauge(name, help, number(value), tags);
        }

        void counter(String name, String help, double value, String... tags) {
            String[] sorted = sortedPairs(tags);
            line(name, help, "counter", sortKey(sorted), name + labels(sorted, null, null) + " " + number(value)
                    + "\n");
        }

        /** A summary's count and sum, as Micrometer writes a timer without percentiles. */
        void summary(String name, String help, long count, double sum, String... tags) {
            String[] sorted = sortedPairs(tags);
            String l = labels(sorted, null, null);
            line(name, help, "summary", sortKey(sorted), name + "_count" + l + " " + count + "\n" + name + "_sum" + l
                    + " " + number(sum) + "\n");
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(8192);
            for (Block b : blocks.values()) {
                s.append(b.head);
                for (String text : b.series.values()) {
                    s.append(text);
                }
            }
            return s.toString();
        }
    }

    /** Key-value pairs sorted by key, as Prometheus' client orders labels. */
    static String[] sortedPairs(String[] pairs) {
        int n = pairs.length / 2;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> pairs[2 * a].compareTo(pairs[2 * b]));
        String[] out = new String[n * 2];
        for (int i = 0; i < n; i++) {
            out[2 * i] = pairs[2 * order[i]];
            out[2 * i + 1] = pairs[2 * order[i] + 1];
        }
        return out;
    }

    /** What orders series within a family: label names and values, compared in turn. */
    static String sortKey(String[] sorted) {
        return String.join("\u0000", sorted);
    }

    /** {@code {a="1",b="2"}} ({@code extra} last, as {@code le} is), or nothing when there are no labels. */
    static String labels(String[] sorted, String extraName, String extraValue) {
        if (sorted.length == 0 && extraName == null) {
            return "";
        }
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < sorted.length; i += 2) {
            if (i > 0) {
                s.append(',');
            }
            s.append(sorted[i]).append("=\"").append(escape(sorted[i + 1])).append('"');
        }
        if (extraName != null) {
            if (sorted.length > 0) {
                s.append(',');
            }
            s.append(extraName).append("=\"").append(extraValue).append('"');
        }
        return s.append('}').toString();
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** A double as Prometheus' client writes it: Java's form, {@code +Inf}, {@code -Inf}, {@code NaN}. */
    static String number(double d) {
        if (d == Double.POSITIVE_INFINITY) {
            return "+Inf";
        }
        if (d == Double.NEGATIVE_INFINITY) {
            return "-Inf";
        }
        return Double.toString(d);
    }
}
