package org.numeter.poller;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.numeter.io.AtomicFiles;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.SampleBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a counter's value at the whole second it is stamped with, not at the moment within that second it was read.
 * Timestamps are whole epoch seconds ({@link SampleBatch#timestamp()}): a COUNTER read at {@code s + 0.9 s} and sent
 * as it was read, stamped {@code s}, is 0.9 s of growth ahead of its stamp, 9 % of a 10 s step, and the next
 * point, read at {@code s + 10.1 s}, makes up for it. So for every COUNTER, DERIVE and ABSOLUTE field this keeps the
 * last reading (its time in milliseconds and its value) and sends the value interpolated linearly between that
 * reading and the new one at the stamp: exact for a constant rate, and otherwise always between the two readings.
 * GAUGE fields, unknown values and values a plugin stamped itself ({@code field.value EPOCH:VALUE}) are sent as
 * read.
 *
 * <p>A counter's first reading (a new plugin, a first start, a lost file) has no reading before it to be placed
 * with: it is remembered and sent as unknown. The storage makes no rate of a first value anyway (it needs two), and
 * sent as read it would make the first rate off by the fraction of a second it was read in over the interval (up to
 * 10 % at 10 s on a loaded machine, where a first cycle reads late); so every rate stored is exact or unknown, the
 * first one interval later.
 *
 * <p>A decrease of a COUNTER (a wrap, or a reset), or of a DERIVE with a {@code min} of 0 or more (a reset), is sent
 * as read: the storage makes of it what rrdtool does (a wrap, or an unknown), and a value interpolated across it
 * would mean nothing. An ABSOLUTE value (events since the last reading) is split at the stamp: the part counted
 * before it is sent with this point, the rest with the next, so no event is lost or counted twice.
 *
 * <p>With a file, the readings survive a restart (written atomically after every cycle that changed them, an
 * unreadable file moved aside at start), so that the first point after a restart is interpolated too: without it,
 * read a fraction of a second into its second and a few seconds after the last point before the restart, it is off
 * by that fraction over those seconds. Readings older than {@link #FORGET_AFTER} are dropped when saved.
 *
 * <p>Safe for several threads: each source has its own {@link Scoped view}, keyed by the source's name, so that two
 * sources describing the same plugin (a munin-node's {@code cpu} and the {@code system} source's) do not mix.
 */
public final class CounterReadings {
    private static final Logger LOG = LoggerFactory.getLogger(CounterReadings.class);
    private static final int MAGIC = 0x4e4d4352; // "NMCR"
    private static final int VERSION = 1;
    /** Readings not renewed for this long are forgotten: the field is gone, or far past any storage heartbeat. */
    public static final Duration FORGET_AFTER = Duration.ofDays(1);

    /**
     * The last reading of a field.
     *
     * @param millis epoch milliseconds it was read at
     * @param value COUNTER, DERIVE: the value read; ABSOLUTE: the part of the value read that was counted after its
     *     stamp and is still to be sent
     */
    private record Reading(long millis, double value) {}

    private final Path file;
    // False for readings that align nothing (a cycle built for a one-off look or a test): values are sent as read.
    private final boolean aligning;
    private final Map<String, Reading> last = new ConcurrentHashMap<>();
    private volatile boolean changed;
    private boolean loaded;

    private CounterReadings(Path file, boolean aligning) {
        this.file = file;
        this.aligning = aligning;
    }

    /** Readings kept in memory only: the first reading of each counter after a start is sent as unknown. */
    public static CounterReadings inMemory() {
        return new CounterReadings(null, true);
    }

    /** Readings kept in {@code file}, which {@link #load()} reads. */
    public static CounterReadings in(Path file) {
        return new CounterReadings(java.util.Objects.requireNonNull(file, "file"), true);
    }

    /**
     * No readings: every value is sent as read, for a cycle that reads once (a first look at a host, a test of a
     * source's parsing), where there is no reading before to place a counter with.
     */
    public static CounterReadings none() {
        return new CounterReadings(null, false);
    }

    /**
     * Reads the file, once, when there is one and it exists. One that cannot be read is moved aside (to
     * {@code <name>.corrupt-<time>}) with a warning: a start never fails on it, it only costs the first point's
     * interpolation.
     *
     * @throws IOException when the file exists but cannot be opened or moved aside
     */
    public synchronized void load() throws IOException {
        if (file == null || loaded) {
            return;
        }
        loaded = true;
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return;
        }
        Map<String, Reading> read = new LinkedHashMap<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int magic = in.readInt();
            int version = in.readInt();
            if (magic != MAGIC || version != VERSION) {
                throw new IOException("not a counter readings file of version " + VERSION + " (magic "
                        + Integer.toHexString(magic) + ", version " + version + ")");
            }
            int n = in.readInt();
            if (n < 0) {
                throw new IOException("negative count " + n);
            }
            for (int i = 0; i < n; i++) {
                String key = in.readUTF();
                read.put(key, new Reading(in.readLong(), in.readDouble()));
            }
            if (in.available() != 0) {
                throw new IOException(in.available() + " bytes after the last of its " + n + " readings");
            }
        } catch (IOException e) {
            Path aside = AtomicFiles.quarantine(file, Instant.now());
            String why = e instanceof EOFException ? "it ends too soon" : e.getMessage();
            LOG.warn("counter readings {} cannot be read ({}); moved to {}: the first point of each counter after"
                    + " this start is sent as read", file, why, aside);
            return;
        }
        read.forEach(last::putIfAbsent);
    }

    /** The view of one source. */
    public Scoped forSource(String source) {
        return new Scoped(source + '\n');
    }

    /**
     * Writes the readings to the file when they changed since the last save (nothing without a file), forgetting
     * those older than {@link #FORGET_AFTER} before {@code nowMillis}.
     */
    public synchronized void save(long nowMillis) throws IOException {
        if (file == null || !changed) {
            return;
        }
        changed = false;
        last.values().removeIf(r -> nowMillis - r.millis() > FORGET_AFTER.toMillis());
        Map<String, Reading> copy = new LinkedHashMap<>(last);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + copy.size() * 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(copy.size());
            for (Map.Entry<String, Reading> e : copy.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue().millis());
                out.writeDouble(e.getValue().value());
            }
        }
        try {
            AtomicFiles.write(file, bytes.toByteArray(), false);
        } catch (IOException e) {
            changed = true;
            throw e;
        }
    }

    /** How many fields have a reading. */
    public int size() {
        return last.size();
    }

    @Override
    public String toString() {
        return "CounterReadings{" + (file == null ? "in memory" : file) + ", " + last.size() + " fields}";
    }

    /** The readings of one source. */
    public final class Scoped {
        private final String prefix;

        private Scoped(String prefix) {
            this.prefix = prefix;
        }

        /**
         * {@code batches}, read at {@code readMillis} (epoch milliseconds, on the clock they are stamped with), with
         * the value of each COUNTER, DERIVE and ABSOLUTE field at the batch's stamp. Only batches stamped with the
         * second of {@code readMillis} are changed: the others carry the plugin's own time. Each batch needs its
         * metadata, which says the fields' types; one without is sent as read.
         */
        public List<SampleBatch> align(List<SampleBatch> batches, long readMillis) {
            if (!aligning) {
                return batches;
            }
            long second = Math.floorDiv(readMillis, 1000);
            List<SampleBatch> out = new ArrayList<>(batches.size());
            for (SampleBatch b : batches) {
                if (b.timestamp() != second || b.meta() == null) {
                    out.add(b);
                    continue;
                }
                Map<String, Double> values = null;
                for (Map.Entry<String, Double> v : b.values().entrySet()) {
                    Field field = b.meta().field(v.getKey()).orElse(null);
                    if (field == null || field.type() == FieldType.GAUGE) {
                        continue;
                    }
                    // The type is part of the key: a field that changes type starts again.
                    String key = prefix + b.host() + '/' + b.plugin() + '/' + v.getKey() + '/' + field.type();
                    double at = at(key, field, v.getValue(), readMillis, second * 1000);
                    if (Double.doubleToLongBits(at) != Double.doubleToLongBits(v.getValue())) {
                        if (values == null) {
                            values = new LinkedHashMap<>(b.values());
                        }
                        values.put(v.getKey(), at);
                    }
                }
                out.add(values == null ? b : new SampleBatch(b.host(), b.plugin(), b.timestamp(), values, b.meta()));
            }
            return out;
        }
    }

    /** {@code value}, read at {@code readMillis}, at {@code stampMillis}; remembers the reading. */
    private double at(String key, Field field, double value, long readMillis, long stampMillis) {
        Reading before = last.get(key);
        if (field.type() == FieldType.ABSOLUTE) {
            return absolute(key, before, value, readMillis, stampMillis);
        }
        if (Double.isNaN(value)) {
            // Unknown: the storage has no rate until the next known value, which the reading before still places.
            return value;
        }
        last.put(key, new Reading(readMillis, value));
        changed = true;
        if (before == null) {
            return Double.NaN;
        }
        if (before.millis() >= stampMillis || readMillis <= stampMillis) {
            return value;
        }
        boolean reset = value < before.value() && (field.type() == FieldType.COUNTER
                || field.min() != null && field.min() >= 0);
        if (reset) {
            return value;
        }
        return before.value() + (value - before.value()) * (double) (stampMillis - before.millis())
                / (double) (readMillis - before.millis());
    }

    /**
     * An ABSOLUTE value counts the events since the reading before: the share of them that came before the stamp
     * (at a constant rate over the time between the readings) is sent now with what the last point left over, and
     * the rest is left for the next.
     */
    private double absolute(String key, Reading before, double value, long readMillis, long stampMillis) {
        changed = true;
        if (Double.isNaN(value)) {
            // What the plugin counted is lost with this reading; the next one counts from now, from an unknown time.
            last.remove(key);
            return value;
        }
        if (before == null) {
            // Counted since an unknown time: the storage can make no rate of it.
            last.put(key, new Reading(readMillis, 0));
            return Double.NaN;
        }
        if (before.millis() >= readMillis) {
            last.put(key, new Reading(readMillis, 0));
            return before.value() + value;
        }
        double share = before.millis() >= stampMillis ? 0
                : (double) (stampMillis - before.millis()) / (double) (readMillis - before.millis());
        double now = value * share;
        last.put(key, new Reading(readMillis, value - now));
        return before.value() + now;
    }
}
