package org.numeter.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.numeter.spool.MemorySpool;
import org.numeter.store.InMemoryStore;

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

    @Test
    void badSettingsAreRefusedWithTheValue() {
        assertThatThrownBy(() -> Shards.shardOf("web1", 0)).hasMessage("shards 0 must be 1 or more");
        assertThatThrownBy(() -> AmqpConsumer.builder().shard(2).shards(2).store(new InMemoryStore()).build())
                .hasMessage("shard 2 must be from 0 to 1 (shards 2)");
        assertThatThrownBy(() -> AmqpPublisher.builder().spool(new MemorySpool())
                        .uri(URI.create("http://guest:secret@127.0.0.1:5672/")).build())
                .hasMessage("amqp uri 'http://guest:***@127.0.0.1:5672/' must look like "
                        + "amqp://user:password@host:5672/vhost (or amqps://)");
        assertThatThrownBy(() -> AmqpPublisher.builder().spool(new MemorySpool()).exchange("amq.direct").build())
                .hasMessageContaining("amqp exchange 'amq.direct'");
        assertThatThrownBy(() -> AmqpPublisher.builder().build()).hasMessage("amqp publisher: a spool is required");
    }

    @Test
    void toStringNeverShowsThePassword() {
        URI uri = URI.create("amqp://numeter:s3cret@mq.example.org:5672/site");
        String publisher = AmqpPublisher.builder().uri(uri).spool(new MemorySpool()).shards(2).build().toString();
        String consumer = AmqpConsumer.builder().uri(uri).store(new InMemoryStore()).build().toString();
        assertThat(publisher).isEqualTo(
                "AmqpPublisher{amqp://numeter:***@mq.example.org:5672/site, exchange=numeter, shards=2}");
        assertThat(consumer).isEqualTo(
                "AmqpConsumer{amqp://numeter:***@mq.example.org:5672/site, queue=numeter.shard-0, shards=1}");
    }
}
