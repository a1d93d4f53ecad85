package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import org.numeter.link.PullServer;
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.spool.MemorySpool;
import org.numeter.store.Archives;

/**
 * A {@code numeter storage} process, to be SIGKILLed and started again, draining a backlog the test feeds: what the
 * storage kill tests share. The backlog is the test's own spool, served by the pull link as a collector's. Plugin
 * {@code p} is {@code <name>_<p>} of host {@code <name>-host}, one field {@code v}, with a point every
 * {@link #STEP} from {@link #t0()}; its value at a moment is {@link #value}, so that what is stored is compared point
 * by point with what was fed ({@link #wrong}).
 *
 * <p>The storage's output is kept in {@code target/e2e/<logDir>/storage.log}.
 */
final class KilledStorage implements AutoCloseable {
    static final long STEP = Archives.DEFAULT.step();

    private final String name;
    private final long t0;
    private final Function<SampleBatch, byte[]> codec;
    private final MemorySpool spool = new MemorySpool();
    private final Path dataDir;
    private final int port;
    private final PullServer collector;
    private final NumeterProcess storage;

    /**
     * Serves an empty backlog and prepares the storage on {@code dataDir}; nothing of the storage starts yet.
     *
     * @param back how far before now, to a step's boundary, the points start
     * @param codec the record format the backlog is fed in
     */
    KilledStorage(String name, Path dataDir, long back, Function<SampleBatch, byte[]> codec, String logDir)
            throws IOException {
        this(name, dataDir, back, codec, logDir, Map.of());
    }

    /** As above, with settings of the storage's own added ({@code key -> value}, as {@code --set} takes them). */
    KilledStorage(String name, Path dataDir, long back, Function<SampleBatch, byte[]> codec, String logDir,
            Map<String, String> more) throws IOException {
        long now = System.currentTimeMillis() / 1000;
        this.name = name;
        this.t0 = now - now % STEP - back;
        this.codec = codec;
        this.dataDir = dataDir;
        this.port = NumeterProcess.freePort();
        collector = PullServer.builder(spool).bindAddress("127.0.0.1").port(0).build();
        try {
            collector.start();
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put(Settings.DATA_DIR.name(), dataDir.toString());
            settings.put(Settings.STORAGE_PORT.name(), String.valueOf(port));
            settings.put(Settings.STORAGE_COLLECTORS.name(), "http://127.0.0.1:" + collector.port());
            settings.put(Settings.STORAGE_INTERVAL.name(), "1s");
            settings.putAll(more);
            storage = NumeterProcess.of("storage", "storage", settings, List.of(), port, "/api/v1/status",
                    Paths.get("target", "e2e", logDir));
        } catch (IOException | RuntimeException e) {
            collector.close();
            throw e;
        }
    }

    /** A plugin's value at a moment: the moment itself, told apart per plugin. */
    static double value(int plugin, long t) {
        return t + plugin * 1e6;
    }

    private String title(int plugin) {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1) + " " + plugin;
    }

    String host() {
        return name + "-host";
    }

    /** The moment before the first point: point {@code i} is at {@code t0 + i * STEP}. */
    long t0() {
        return t0;
    }

    NumeterProcess storage() {
        return storage;
    }

    /** The storage's HTTP port, the same at every start. */
    int port() {
        return port;
    }

    /** Where the storage's RRD files are, one folder per host. */
    Path rrd() {
        return dataDir.resolve("rrd");
    }

    /** Records in the backlog not yet acknowledged by the storage. */
    long backlog() {
        return spool.stats().records();
    }

    /**
     * Appends points {@code firstPoint..lastPoint} of plugins {@code firstPlugin..firstPlugin + plugins - 1} to the
     * backlog, point by point; point 1 brings the plugin's metadata.
     */
    void feed(int firstPlugin, int plugins, int firstPoint, int lastPoint) throws IOException {
        List<byte[]> records = new ArrayList<>();
        for (int i = firstPoint; i <= lastPoint; i++) {
            long t = t0 + i * STEP;
            for (int p = firstPlugin; p < firstPlugin + plugins; p++) {
                String plugin = name + "_" + p;
                Plugin meta = i == 1 ? Plugin.builder(plugin).title(title(p)).category("test")
                        .field(Field.builder("v").build()).build() : null;
                records.add(codec.apply(new SampleBatch(host(), plugin, t, Map.of("v", value(p, t)), meta)));
            }
        }
        spool.appendAll(records);
    }

    /**
     * Each of plugins {@code 0..plugins - 1} whose stored points 1 to {@code points} differ from what was fed (the
     * times as the archive places them, {@link ExpectedPoints}), with both, or whose title is not the one fed; none when
     * every point is stored once with its value and every plugin has its metadata.
     */
    List<String> wrong(int plugins, int points) throws Exception {
        List<Long> updates = new ArrayList<>();
        for (int i = 1; i <= points; i++) {
            updates.add(t0 + i * STEP);
        }
        long to = t0 + points * STEP;
        SortedMap<Long, Double> times = ExpectedPoints.of(updates, STEP, Archives.DEFAULT.heartbeat(), t0, to);
        assertThat(times).hasSize(points);
        List<String> wrong = new ArrayList<>();
        for (int p = 0; p < plugins; p++) {
            SortedMap<Long, Double> expected = new TreeMap<>();
            int plugin = p;
            times.forEach((t, v) -> expected.put(t, value(plugin, v.longValue())));
            SortedMap<Long, Double> stored = RoleApi.stored(port, host(), name + "_" + p, t0, to, STEP);
            if (!stored.equals(expected)) {
                wrong.add(name + "_" + p + ": stored " + stored + ", expected " + expected);
            }
            String title = RoleApi.get(port, "/api/v1/hosts/" + host() + "/plugins/" + name + "_" + p).path("title")
                    .asText();
            if (!title.equals(title(p))) {
                wrong.add(name + "_" + p + ": title '" + title + "'");
            }
        }
        return wrong;
    }

    @Override
    public void close() {
        try {
            storage.close();
        } finally {
            collector.close();
        }
    }
}
