package org.numeter.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.numeter.spool.MemorySpool;
import org.numeter.spool.SpoolRecord;

class DrainTest {

    @Test
    void movesEverythingInPagesAndAcknowledgesUpstream() throws Exception {
        MemorySpool upstream = new MemorySpool();
        MemorySpool downstream = new MemorySpool();
        for (int i = 0; i < 25; i++) {
            upstream.append(("r" + i).getBytes(StandardCharsets.UTF_8));
        }
        Drain drain = new Drain("test", upstream, RecordSink.into(downstream), 10);

        assertThat(drain.drainOnce()).isEqualTo(25);

        assertThat(upstream.stats().records()).isZero();
        assertThat(downstream.read(0, 100)).hasSize(25);
        assertThat(drain.pagesMoved()).isEqualTo(3);
    }

    @Test
    void aSinkFailureLeavesThePageUpstreamForTheNextDrain() throws Exception {
        MemorySpool upstream = new MemorySpool();
        upstream.append("a".getBytes(StandardCharsets.UTF_8));
        List<SpoolRecord> received = new ArrayList<>();
        boolean[] fail = {true};
        Drain drain = new Drain("test", upstream, records -> {
            if (fail[0]) {
                throw new IOException("downstream down");
            }
            received.addAll(records);
        }, 10);

        assertThatThrownBy(drain::drainOnce).hasMessage("downstream down");
        assertThat(upstream.stats().records()).isEqualTo(1);

        fail[0] = false;
        assertThat(drain.drainOnce()).isEqualTo(1);
        assertThat(received).extracting(SpoolRecord::sequence).containsExactly(1L);
    }
}
