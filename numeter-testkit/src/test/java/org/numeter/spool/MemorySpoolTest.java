package org.numeter.spool;

import java.time.Clock;
import org.numeter.testkit.SpoolContract;

class MemorySpoolTest extends SpoolContract {
    @Override
    protected Spool newSpool() {
        return new MemorySpool();
    }

    @Override
    protected Spool newBoundedSpool(long maxBytes) {
        return new MemorySpool(maxBytes, Clock.systemUTC());
    }
}
