package org.numeter.store;

import java.io.IOException;
import java.util.List;
import org.numeter.model.SampleBatch;

/**
 * Told of the batches a store has just written, in the write path, before the page they came in is acknowledged
 * upstream: the storage's alert engine is one. A listener that throws fails the write like the store would, so the
 * page comes again; it must therefore drop batches it has already seen (a replay), as the store does.
 */
@FunctionalInterface
public interface WriteListener {
    WriteListener NONE = batches -> {};

    void written(List<SampleBatch> batches) throws IOException;
}
