package org.numeter.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.rrd4j.core.ByteBufferBackend;
import org.rrd4j.core.RrdBackend;
import org.rrd4j.core.RrdBackendAnnotation;
import org.rrd4j.core.RrdDb;
import org.rrd4j.core.RrdFileBackendFactory;

/**
 * RRD files memory-mapped like rrd4j's NIO backend, with two differences that matter with tens of thousands of
 * plugins (see {@code RATIONALE.md}): the file descriptor is closed as soon as the file is mapped, so an open
 * database holds a mapping and no descriptor (the machine's limit of 20,000 descriptors no longer bounds the open
 * files: the kernel's 65,530 mappings do); and closing does not {@code force()} the mapping, which made every
 * eviction from the open-file cache a synchronous disk write. The kernel writes mapped pages back on its own, as
 * it does for rrdtool: a crash of the process loses nothing, a power cut what was not yet written back.
 */
@RrdBackendAnnotation(name = "NUMETER-MAPPED", shouldValidateHeader = true)
final class MappedBackendFactory extends RrdFileBackendFactory {
    private static final Unmapper UNMAPPER = new Unmapper();

    @Override
    protected RrdBackend open(String path, boolean readOnly) throws IOException {
        return new MappedBackend(path, readOnly);
    }

    /** The mapping under a database opened with this factory for writing, or null. */
    static ByteBuffer mapping(RrdDb db) {
        return db.getRrdBackend() instanceof MappedBackend m && !m.readOnly ? m.buffer : null;
    }

    /** Releases a mapping now (see {@link Unmapper}). */
    static void unmap(MappedByteBuffer buffer) {
        UNMAPPER.unmap(buffer);
    }

    private static final class MappedBackend extends ByteBufferBackend {
        private final Path file;
        private final boolean readOnly;
        private MappedByteBuffer buffer;

        MappedBackend(String path, boolean readOnly) throws IOException {
            super(path);
            this.file = Path.of(path);
            this.readOnly = readOnly;
            try (FileChannel ch = channel()) {
                long size = ch.size();
                if (size > 0) {
                    map(ch, size);
                }
            }
        }

        private FileChannel channel() throws IOException {
            return readOnly ? FileChannel.open(file, StandardOpenOption.READ)
                    : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                            StandardOpenOption.CREATE);
        }

        private void map(FileChannel ch, long size) throws IOException {
            buffer = ch.map(readOnly ? FileChannel.MapMode.READ_ONLY : FileChannel.MapMode.READ_WRITE, 0, size);
            setByteBuffer(buffer);
        }

        @Override
        protected synchronized void setLength(long length) throws IOException {
            if (readOnly) {
                throw new IOException(file + " is open read-only");
            }
            unmap();
            try (FileChannel ch = channel()) {
                if (ch.size() > length) {
                    ch.truncate(length);
                } else if (ch.size() < length) {
                    ch.write(ByteBuffer.wrap(new byte[1]), length - 1);
                }
                map(ch, length);
            }
        }

        @Override
        public synchronized long getLength() {
            return buffer == null ? 0 : buffer.capacity();
        }

        @Override
        protected synchronized void close() throws IOException {
            super.close();
            unmap();
        }

        private void unmap() {
            if (buffer != null) {
                UNMAPPER.unmap(buffer);
                buffer = null;
            }
        }
    }

    /**
     * Releases a mapping now rather than when the collector finds the buffer: with thousands of files opened and
     * closed in turn, waiting for the collector would exhaust the kernel's mappings. The JDK offers this only
     * through {@code sun.misc.Unsafe.invokeCleaner}, reached by reflection as rrd4j itself does.
     */
    private static final class Unmapper {
        private final Object unsafe;
        private final Method invokeCleaner;

        Unmapper() {
            try {
                Class<?> type = Class.forName("sun.misc.Unsafe");
                Field f = type.getDeclaredField("theUnsafe");
                f.setAccessible(true);
                unsafe = f.get(null);
                invokeCleaner = type.getMethod("invokeCleaner", ByteBuffer.class);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("this JVM cannot release memory mappings: " + e, e);
            }
        }

        void unmap(MappedByteBuffer buffer) {
            try {
                invokeCleaner.invoke(unsafe, buffer);
            } catch (ReflectiveOperationException e) {
                throw new UncheckedIOException(new IOException("releasing a mapping failed: " + e, e));
            }
        }
    }
}
