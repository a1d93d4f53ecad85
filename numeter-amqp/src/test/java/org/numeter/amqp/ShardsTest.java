package org.numeter.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardsTest {

    @Test
    void theShardOfAHostIsStableAndSpreadsSimilarNames() {
        // Fixed values: a change here moves hosts between storages on upgrade, so it must be deliberate.
        assertThat(Shards.shardOf("web1", 3)).isEqualTo(2); // CRC32C 0xbc6f9baf
        assertThat(Shards.shardOf("web2", 3)).isEqualTo(1); // CRC32C 0xaf3f685b
        assertThat(Shards.shardOf("db1.example.org", 2)).isEqualTo(1); // CRC32C 0x3e9789c9
        assertThat(Shards.shardOf("anything", 1)).isZero();
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            counts.merge(Shards.shardOf("web" + i + ".example.org", 4), 1, Integer::sum);
        }
        assertThat(counts).containsOnlyKeys(0, 1, 2, 3);
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(200, 300));
    }

    @Test
    void namesFollowTheExchangeAndShard() {
        assertThat(Shards.routingKey(3)).isEqualTo("shard-3");
        assertThat(Shards.queueName("numeter", 3)).isEqualTo("numeter.shard-3");
    }
}
