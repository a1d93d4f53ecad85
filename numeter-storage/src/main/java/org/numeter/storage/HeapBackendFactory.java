package org.numeter.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.rrd4j.core.ArcDef;
import org.rrd4j.core.ByteBufferBackend;
import org.rrd4j.core.DsDef;
import org.rrd4j.core.RrdBackend;
import org.rrd4j.core.RrdBackendAnnotation;
import org.rrd4j.core.RrdDb;
import org.rrd4j.core.RrdDef;
import org.rrd4j.core.RrdFileBackendFactory;

/**
 * Lets rrd4j lay out a new file in memory, so that it reaches the disk in one sequential write
 * ({@link RrdFiles#createNew}, or {@link RrdFiles#writeAtomically} over another) instead of through a mapping of the
 * file itself: rrd4j fills every row of a new file, and through a mapping a full disk would then fault the process
 * (SIGBUS) instead of failing the write, and a crash would leave half a file under the plugin's name that nothing
 * tells from a whole one.
 */
@RrdBackendAnnotation(name = "NUMETER-HEAP", shouldValidateHeader = false, cachingAllowed = false)
final class HeapBackendFactory extends RrdFileBackendFactory {

    private static final int TEMPLATES = 16;
    private final Map<String, ByteBuffer> templates = new ConcurrentHashMap<>();

    /**
     * The bytes of a new file with this definition, in one buffer ({@link #parts} without the sharing).
     */
    ByteBuffer build(RrdDef def) throws IOException {
        ByteBuffer[] parts = parts(def);
        if (parts.length == 1) {
            return parts[0];
        }
        int size = 0;
        for (ByteBuffer p : parts) {
            size += p.remaining();
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (ByteBuffer p : parts) {
            out.put(p.duplicate());
        }
        return out.clear();
    }

    /**
     * The bytes of a new file with this definition, as buffers to write one after the other. rrd4j lays out the
     * first file of each layout (data sources, archives, step), row by row; the next ones are its bytes with the few
     * values that depend on the start time set (the last update, each data source's unknown seconds, each
     * archive's unknown steps), as rrd4j sets them ({@code HeapBackendFactoryTest} compares both). Those values
     * come in buffers of their own between read-only slices of the layout's template, so that a new file of
     * hundreds of kilobytes costs one gathering write and no copy of them in the process.
     */
    ByteBuffer[] parts(RrdDef def) throws IOException {
        if (def.getVersion() != 2) {
            return new ByteBuffer[] {layOut(def)};
        }
        StringBuilder k = new StringBuilder().append(def.getStep());
        for (DsDef d : def.getDsDefs()) {
            k.append(' ').append(d.dump());
        }
        for (ArcDef a : def.getArcDefs()) {
            k.append(' ').append(a.dump());
        }
        String key = k.toString();
        ByteBuffer template = templates.get(key);
        if (template == null) {
            ByteBuffer made = layOut(def);
            if (templates.size() >= TEMPLATES) {
                templates.clear();
            }
            ByteBuffer direct = ByteBuffer.allocateDirect(made.remaining());
            direct.put(made.duplicate()).clear();
            templates.put(key, direct.asReadOnlyBuffer());
            return new ByteBuffer[] {made};
        }
        long start = def.getStartTime();
        long step = def.getStep();
        int n = def.getDsCount();
        Patched file = new Patched(template, 2 + 2 * n * (1 + def.getArcCount()));
        file.set(56, start);
        for (int i = 0; i < n; i++) {
            file.set(64 + 128L * i + 120, start % step);
        }
        long arc = 64 + 128L * n;
        for (ArcDef a : def.getArcDefs()) {
            long arcStep = step * a.getSteps();
            long nanSteps = (start - start % step - (start - start % arcStep)) / step;
            for (int i = 0; i < n; i++) {
                file.set(arc + 56 + 20L * i + 12, nanSteps);
            }
            arc += 56 + 20L * n + 8L * n * a.getRows();
        }
        return file.parts();
    }

    /** A template's bytes with some longs set, as slices of it and buffers of the longs; set in increasing order. */
    private static final class Patched {
        private final ByteBuffer template;
        private final List<ByteBuffer> parts;
        private int done;

        Patched(ByteBuffer template, int expected) {
            this.template = template;
            this.parts = new ArrayList<>(expected);
        }

        void set(long position, long value) {
            int at = Math.toIntExact(position);
            parts.add(template.slice(done, at - done));
            parts.add(ByteBuffer.allocate(Long.BYTES).putLong(0, value));
            done = at + Long.BYTES;
        }

        ByteBuffer[] parts() {
            parts.add(template.slice(done, template.capacity() - done));
            return parts.toArray(ByteBuffer[]::new);
        }
    }

    private ByteBuffer layOut(RrdDef def) throws IOException {
        try (RrdDb db = RrdDb.getBuilder().setRrdDef(def).setBackendFactory(this).build()) {
            return ((HeapBackend) db.getRrdBackend()).buffer();
        }
    }

    /**
     * The byte ranges of a new file's rows (pairs of from and to), which a sparse file leaves unwritten
     * ({@link SparseRows}); none when the layout is not the one {@link #parts} patches or its rows do not end the
     * file of {@code size} bytes (long data-source names kept at its end).
     */
    static long[] rows(RrdDef def, long size) {
        if (def.getVersion() != 2) {
            return new long[0];
        }
        int n = def.getDsCount();
        long[] rows = new long[2 * def.getArcCount()];
        long at = 64 + 128L * n;
        int i = 0;
        for (ArcDef a : def.getArcDefs()) {
            at += 56 + 20L * n;
            rows[i++] = at;
            at += 8L * n * a.getRows();
            rows[i++] = at;
        }
        return at == size ? rows : new long[0];
    }

    /**
     * The bytes of a new file with this definition, holding everything {@code from} holds (history included), whole:
     * the rows that {@code from} left unwritten, if sparse, are NaN in the copy ({@link SparseRows#fill}).
     */
    ByteBuffer copy(RrdDb from, RrdDef def) throws IOException {
        long start = SparseRows.start(from);
        try (RrdDb db = RrdDb.getBuilder().setRrdDef(def).setBackendFactory(this).build()) {
            from.copyStateTo(db);
            SparseRows.fill(db, start);
            return ((HeapBackend) db.getRrdBackend()).buffer();
        }
    }

    /** A read-only database over {@code bytes}, a file's whole content in memory. */
    static RrdDb open(String path, ByteBuffer bytes) throws IOException {
        return RrdDb.getBuilder().setPath(path).setBackendFactory(new Given(bytes)).readOnly().build();
    }

    /** Opens the one buffer it was given, whatever the path. */
    @RrdBackendAnnotation(name = "NUMETER-HEAP-COPY", shouldValidateHeader = true, cachingAllowed = false)
    private static final class Given extends RrdFileBackendFactory {
        private final ByteBuffer bytes;

        Given(ByteBuffer bytes) {
            this.bytes = bytes;
        }

        @Override
        protected boolean exists(String path) {
            return true;
        }

        @Override
        protected RrdBackend open(String path, boolean readOnly) {
            HeapBackend b = new HeapBackend(path);
            b.use(bytes);
            return b;
        }
    }

    @Override
    protected boolean exists(String path) {
        return false;
    }

    @Override
    protected RrdBackend open(String path, boolean readOnly) {
        return new HeapBackend(path);
    }

    private static final class HeapBackend extends ByteBufferBackend {
        private ByteBuffer buffer;

        HeapBackend(String path) {
            super(path);
        }

        @Override
        protected synchronized void setLength(long length) throws IOException {
            if (length < 0 || length > Integer.MAX_VALUE - 8) {
                throw new IOException(getPath() + ": a file of " + length + " bytes is too large");
            }
            buffer = ByteBuffer.allocate((int) length);
            setByteBuffer(buffer);
        }

        @Override
        public synchronized long getLength() {
            return buffer == null ? 0 : buffer.capacity();
        }

        synchronized void use(ByteBuffer bytes) {
            buffer = bytes;
            setByteBuffer(bytes);
        }

        synchronized ByteBuffer buffer() {
            return buffer.duplicate().clear();
        }
    }
}
