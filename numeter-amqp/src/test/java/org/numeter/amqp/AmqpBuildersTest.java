package org.numeter.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.numeter.spool.MemorySpool;
import org.numeter.store.InMemoryStore;

/** The builders check their settings without connecting, and never print a password. */
class AmqpBuildersTest {

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

    @Test
    void aUriWithoutPasswordOrWithTlsIsPrintedAsIs() {
        assertThat(Broker.redact(URI.create("amqps://numeter@mq.example.org:5671/site")))
                .isEqualTo("amqps://numeter@mq.example.org:5671/site");
        assertThat(Broker.redact(URI.create("amqp://mq.example.org"))).isEqualTo("amqp://mq.example.org");
        assertThat(Broker.redact(URI.create("amqp://u:p%40ss@mq.example.org/")))
                .isEqualTo("amqp://u:***@mq.example.org/");
    }
}
