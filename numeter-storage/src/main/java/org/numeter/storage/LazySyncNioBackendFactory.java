package org.numeter.storage;

import java.io.IOException;
import org.rrd4j.core.RrdBackend;
import org.rrd4j.core.RrdBackendAnnotation;
import org.rrd4j.core.RrdNioBackend;
import org.rrd4j.core.RrdNioBackendFactory;

/**
 * rrd4j's memory-mapped backend without its {@code force()} on close. The store keeps a bounded set of files open
 * and closes the least recently used; with rrd4j's backend every such close was a synchronous write of the file's
 * dirty pages, which made ingest wait on the disk whenever there are more plugins than open files. The kernel
 * writes mapped pages back on its own, as it does for rrdtool, which does not sync either: a crash of the process
 * loses nothing, a power cut loses what the kernel had not written yet.
 */
@RrdBackendAnnotation(name = "NUMETER-NIO", shouldValidateHeader = true)
final class LazySyncNioBackendFactory extends RrdNioBackendFactory {

    LazySyncNioBackendFactory() {
        super(0, (org.rrd4j.core.RrdSyncThreadPool) null);
    }

    @Override
    protected RrdBackend open(String path, boolean readOnly) throws IOException {
        return new LazySyncBackend(path, readOnly);
    }

    private static final class LazySyncBackend extends RrdNioBackend {
        LazySyncBackend(String path, boolean readOnly) throws IOException {
            super(path, readOnly, null, 0);
        }

        @Override
        protected synchronized void sync() {
            // left to the kernel's write-back: see the class comment
        }
    }
}
