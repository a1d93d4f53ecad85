package org.numeter.storage.munin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.numeter.storage.FieldHistory;
import org.numeter.store.Archives;
import org.rrd4j.ConsolFun;
import org.rrd4j.core.Archive;
import org.rrd4j.core.RrdDb;
import org.rrd4j.core.RrdMemoryBackendFactory;

/**
 * One munin RRD file (rrdtool's format, one data source) read whole into memory through rrd4j's rrdtool reader, and
 * answered at any step: a period as long as a munin row gets that row; a longer one consolidates the rows it
 * covers; a shorter one gets the row it falls in (a rate is flat over its row). The finest archive that holds the
 * period answers.
 */
final class MuninHistory implements FieldHistory {
    private static final byte[] MAGIC = {'R', 'R', 'D', 0};

    private final List<Rows> archives;
    private final long lastUpdate;

    private MuninHistory(List<Rows> archives, long lastUpdate) {
        this.archives = archives;
        this.lastUpdate = lastUpdate;
    }

    static MuninHistory read(Path rrdtoolFile) throws IOException {
        byte[] magic = new byte[4];
        try (InputStream in = Files.newInputStream(rrdtoolFile)) {
            if (in.readNBytes(magic, 0, 4) < 4 || !Arrays.equals(magic, MAGIC)) {
                throw new IOException("not an rrdtool file (it does not start with 'RRD')");
            }
        }
        try (RrdDb db = RrdDb.getBuilder().setPath("munin").setBackendFactory(new RrdMemoryBackendFactory())
                .setRrdToolImporter(rrdtoolFile.toString()).build()) {
            if (db.getDsCount() != 1) {
                throw new IOException("has " + db.getDsCount() + " data sources, munin's files have one");
            }
            List<Rows> rows = new ArrayList<>();
            for (int a = 0; a < db.getArcCount(); a++) {
                Archive archive = db.getArchive(a);
                rows.add(new Rows(archive.getConsolFun(), archive.getStartTime(), archive.getArcStep(),
                        archive.getRobin(0).getValues()));
            }
            rows.sort(Comparator.comparingLong(Rows::step));
            return new MuninHistory(rows, db.getLastUpdateTime());
        } catch (IllegalArgumentException | IllegalStateException e) {
            // rrd4j's reader says "not an RRD file" and the like with unchecked exceptions
            throw new IOException(e.getMessage(), e);
        }
    }

    long lastUpdate() {
        return lastUpdate;
    }

    /** Known values in the finest archive: what a dry run counts. */
    long known() {
        return archives.isEmpty() ? 0 : archives.get(0).known();
    }

    @Override
    public double value(ConsolFun cf, long end, long step) {
        Rows best = null;
        for (Rows r : archives) {
            if (r.cf == cf && r.covers(end, step) && (best == null || r.step <= step)) {
                best = r;
            }
        }
        if (best == null && cf != ConsolFun.AVERAGE) {
            return value(ConsolFun.AVERAGE, end, step);
        }
        return best == null ? Double.NaN : best.value(end, step);
    }

    /** One archive's rows; row {@code i} ends at {@code start + i * step}. */
    private record Rows(ConsolFun cf, long start, long step, double[] values) {

        long end() {
            return start + (values.length - 1) * step;
        }

        boolean covers(long end, long period) {
            long first = firstRowAfter(step >= period ? end - 1 : end - period);
            return first >= start && (step >= period ? first : end) <= end();
        }

        /** The first row whose end is after {@code t}. */
        long firstRowAfter(long t) {
            return Math.floorDiv(t, step) * step + step;
        }

        double value(long end, long period) {
            if (step >= period) {
                return at(firstRowAfter(end - 1));
            }
            int n = 0;
            int unknown = 0;
            double sum = 0;
            double min = Double.NaN;
            double max = Double.NaN;
            for (long t = firstRowAfter(end - period); t <= end; t += step) {
                double v = at(t);
                n++;
                if (Double.isNaN(v)) {
                    unknown++;
                    continue;
                }
                sum += v;
                min = Double.isNaN(min) ? v : Math.min(min, v);
                max = Double.isNaN(max) ? v : Math.max(max, v);
            }
            if (n == 0 || unknown > Archives.XFF * n) {
                return Double.NaN;
            }
            return switch (cf) {
                case MIN -> min;
                case MAX -> max;
                default -> sum / (n - unknown);
            };
        }

        double at(long t) {
            long i = (t - start) / step;
            return i < 0 || i >= values.length ? Double.NaN : values[(int) i];
        }

        long known() {
            long n = 0;
            for (double v : values) {
                if (!Double.isNaN(v)) {
                    n++;
                }
            }
            return n;
        }
    }
}
