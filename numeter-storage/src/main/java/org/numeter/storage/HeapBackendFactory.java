package org.numeter.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.rrd4j.core.ByteBufferBackend;
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

    /** The bytes of a new file with this definition. */
    ByteBuffer build(RrdDef def) throws IOException {
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
