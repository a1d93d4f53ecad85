package org.numeter.poller.system;

import java.io.IOException;
import java.util.List;
import org.numeter.model.SampleBatch;
import org.numeter.munin.Problems;

/** Reads one /proc file (or a few) into the plugins it feeds; a failure skips only these plugins. */
interface Reader {

    /** The plugins this reader makes, for messages: {@code cpu, forks} or {@code if_*}. */
    String plugins();

    /**
     * @param problems where a single bad part (one mount, one device) is reported while the others arrive
     */
    List<SampleBatch> read(String host, long timestamp, Problems problems) throws IOException;
}
