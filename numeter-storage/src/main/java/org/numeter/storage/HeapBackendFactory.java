package org.numeter.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
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
 * Lets rrd4j lay out a new file in memory, so that it reaches the disk in one sequential write of a temporary file
 * ({@link RrdFiles#writeAtomically}) instead of through a mapping of the file itself: rrd4j fills every row of a new
 * file, and through a mapping a full disk would then fault the process (SIGBUS) instead of failing the write, and a
 * crash would leave half a file under the plugin's name.
 */
@RrdBackendAnnotation(name = "NUMETER-HEAP", shouldValidateHeader = false, cachingAllowed = false)
final class HeapBackendFactory extends RrdFileBackendFactory {

    private static final int TEMPLATES = 16;
    private final Map<String, ByteBuffer> templates = new ConcurrentHashMap<>();

    /**
     * The bytes of a new file with this definition. rrd4j lays out the first file of each layout (data sources,
     * archives, step), row by row; the next ones are a copy of it with the few values that depend on the start time
     * set (the last update, each data source's unknown seconds, each archive's unknown steps), as rrd4j sets them
     * ({@code HeapBackendFactoryTest} compares both).
     */
    ByteBuffer build(RrdDef def) throws IOException {
        if (def.getVersion() != 2) {
            return layOut(def);
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
            templates.put(key, made.asReadOnlyBuffer());
            return made;
        }
        ByteBuffer out = ByteBuffer.allocate(template.capacity());
        out.put(0, template, 0, template.capacity());
        long start = def.getStartTime();
        long step = def.getStep();
        int n = def.getDsCount();
        out.putLong(56, start);
        for (int i = 0; i < n; i++) {
            out.putLong(64 + 128 * i + 120, start % step);
        }
        long at = 64 + 128L * n;
        for (ArcDef a : def.getArcDefs()) {
            long arcStep = step * a.getSteps();
            long nanSteps = (start - start % step - (start - start % arcStep)) / step;
            for (int i = 0; i < n; i++) {
                out.putLong(Math.toIntExact(at + 56 + 20L * i + 12), nanSteps);
            }
            at += 56 + 20L * n + 8L * n * a.getRows();
        }
        return out.clear();
    }

    private ByteBuffer layOut(RrdDef def) throws IOException {
        try (RrdDb db = RrdDb.getBuilder().setRrdDef(def).setBackendFactory(this).build()) {
            return ((HeapBackend) db.getRrdBackend()).buffer();
        }
    }

    /** The bytes of a new file with this definition, holding everything {@code from} holds (history included). */
    ByteBuffer copy(RrdDb from, RrdDef def) throws IOException {
        try (RrdDb db = RrdDb.getBuilder().setRrdDef(def).setBackendFactory(this).build()) {
            from.copyStateTo(db);
            return ((HeapBackend) db.getRrdBackend()).buffer();
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

        synchronized ByteBuffer buffer() {
            return buffer.duplicate().clear();
        }
    }
}
