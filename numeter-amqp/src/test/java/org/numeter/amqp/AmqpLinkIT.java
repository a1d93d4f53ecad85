package org.numeter.amqp;

import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.toSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.numeter.codec.BatchCodec;
import org.numeter.component.Component;
import org.numeter.model.SampleBatch;
import org.numeter.spool.MemorySpool;

/**
 * The AMQP link against the real RabbitMQ at 127.0.0.1:5672 (or {@code NUMETER_TEST_AMQP}). Each test has its own
 * exchange and queues, deleted afterwards. There is no skip: a missing broker fails the class, as CI requires.
 */
@Timeout(30)
class AmqpLinkIT {
    private static final URI BROKER = URI.create(
            System.getenv().getOrDefault("NUMETER_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672"));
    private static final long T0 = 1_700_000_000L;
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static Connection admin;

    private final String exchange = "numeter-test-" + UUID.randomUUID();
    private final List<Component> started = new ArrayList<>();
    private final MemorySpool spool = new MemorySpool();

    @BeforeAll
    static void connect() throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(BROKER);
        admin = f.newConnection("numeter-test-admin");
    }

    @AfterAll
    static void disconnect() throws IOException {
        if (admin != null) {
            admin.close();
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Component c : started) {
            c.close();
        }
        try (Channel ch = admin.createChannel()) {
            for (int shard = 0; shard < 4; shard++) {
                ch.queueDelete(Shards.queueName(exchange, shard));
            }
            ch.exchangeDelete(exchange);
        }
    }

    @Test
    void everyBatchOfManyHostsArrivesOnceInItsShardsStore() throws Exception {
        List<SampleBatch> sent = fill(40, 10);
        RecordingStore[] stores = {new RecordingStore(), new RecordingStore()};
        AmqpConsumer[] consumers = {consumer(0, 2, stores[0], BROKER), consumer(1, 2, stores[1], BROKER)};
        AmqpPublisher publisher = publisher(BROKER, 2, 64);

        assertThat(publisher.publishNow()).isEqualTo(400);

        assertThat(spool.stats().records()).isZero();
        assertThat(publisher.published()).isEqualTo(400);
        assertThat(publisher.confirmed()).isEqualTo(400);
        assertThat(publisher.failures()).isZero();
        Map<Integer, List<SampleBatch>> expected = sent.stream()
                .collect(groupingBy(b -> Shards.shardOf(b.host(), 2)));
        assertThat(expected).containsOnlyKeys(0, 1); // both shards have hosts, so the split is really tested
        for (int shard = 0; shard < 2; shard++) {
            AmqpConsumer c = consumers[shard];
            int n = expected.get(shard).size();
            await().atMost(WAIT).until(() -> c.stored() == n);
            assertThat(stores[shard].written()).containsExactlyInAnyOrderElementsOf(expected.get(shard));
            assertThat(c.received()).isEqualTo(n);
            assertThat(c.duplicates()).isZero();
            assertThat(c.malformed()).isZero();
            assertThat(c.misrouted()).isZero();
            assertThat(stores[shard].hosts()).extracting(h -> h.lastUpdate()).containsOnly(T0 + 60 * 9);
        }
        assertThat(queueDepth(0) + queueDepth(1)).isZero();
        assertThat(publisher.check().ok()).isTrue();
        assertThat(consumers[0].check().detail()).isEqualTo(
                "received " + expected.get(0).size() + ", stored " + expected.get(0).size()
                        + ", duplicates 0, malformed 0, write failures 0");
    }

    @Test
    void aMalformedPayloadBetweenTwoGoodOnesIsCountedAndTheGoodOnesArrive() throws Exception {
        RecordingStore store = new RecordingStore();
        AmqpConsumer consumer = consumer(0, 1, store, BROKER);
        SampleBatch first = batch("web1", 1);
        SampleBatch second = batch("web1", 2);
        spool.append(BatchCodec.encode(first));
        spool.append("{\"host\":\"web1\",\"plugin\":".getBytes(StandardCharsets.UTF_8));
        spool.append(BatchCodec.encode(second));
        AmqpPublisher publisher = publisher(BROKER, 1, 500);

        assertThat(publisher.publishNow()).isEqualTo(2);
        assertThat(publisher.malformed()).isEqualTo(1);
        assertThat(spool.stats().records()).isZero();
        await().atMost(WAIT).until(() -> consumer.stored() == 2);

        // and at the other end: garbage put on the queue by someone else is acknowledged, never blocks it
        SampleBatch third = batch("web1", 3);
        try (Channel ch = admin.createChannel()) {
            ch.basicPublish(exchange, Shards.routingKey(0), null, "not json".getBytes(StandardCharsets.UTF_8));
            ch.basicPublish(exchange, Shards.routingKey(0), null, BatchCodec.encode(third));
        }
        await().atMost(WAIT).until(() -> consumer.stored() == 3);
        assertThat(consumer.malformed()).isEqualTo(1);
        assertThat(consumer.received()).isEqualTo(4);
        assertThat(store.written()).containsExactly(first, second, third);
        assertThat(queueDepth(0)).isZero();
    }

    @Test
    void theSpoolIsKeptWhileTheBrokerIsUnreachableOrRefuses() throws Exception {
        List<SampleBatch> sent = fill(5, 4);
        AmqpPublisher closedPort = publisher(URI.create("amqp://guest:guest@127.0.0.1:" + closedPort() + "/"), 2, 500);
        AmqpPublisher wrongPassword = publisher(URI.create("amqp://guest:wrong@127.0.0.1:" + BROKER.getPort() + "/"),
                2, 500);

        assertThatThrownBy(closedPort::publishNow).isInstanceOf(IOException.class)
                .hasMessageContaining("cannot connect");
        assertThatThrownBy(wrongPassword::publishNow).isInstanceOf(IOException.class);
        assertThat(spool.stats().records()).isEqualTo(20);
        assertThat(closedPort.failures()).isEqualTo(1);
        assertThat(closedPort.confirmed()).isZero();
        assertThat(closedPort.check().ok()).isFalse();
        assertThat(closedPort.check().detail()).contains("20 batches waiting").doesNotContain("guest:guest");

        RecordingStore[] stores = {new RecordingStore(), new RecordingStore()};
        AmqpConsumer c0 = consumer(0, 2, stores[0], BROKER);
        AmqpConsumer c1 = consumer(1, 2, stores[1], BROKER);
        // written as people do, with a trailing slash for the default vhost
        URI slash = BROKER.getRawPath().isEmpty() ? URI.create(BROKER + "/") : BROKER;
        AmqpPublisher real = publisher(slash, 2, 500);
        assertThat(real.publishNow()).isEqualTo(20);
        await().atMost(WAIT).until(() -> c0.stored() + c1.stored() == 20);
        List<SampleBatch> all = new ArrayList<>(stores[0].written());
        all.addAll(stores[1].written());
        assertThat(all).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(spool.stats().records()).isZero();
    }

    @Test
    void aFailingStoreLeavesTheMessagesInTheQueueUntilItWorks() throws Exception {
        List<SampleBatch> sent = fill(3, 5);
        RecordingStore broken = new RecordingStore();
        broken.failing.set(true);
        AmqpConsumer consumer = consumer(0, 1, broken, BROKER);
        assertThat(publisher(BROKER, 1, 500).publishNow()).isEqualTo(15);

        await().atMost(WAIT).until(() -> broken.failedWrites.get() >= 2); // rejected, redelivered, rejected again
        assertThat(consumer.stored()).isZero();
        assertThat(consumer.writeFailures()).isEqualTo(broken.failedWrites.get());
        assertThat(consumer.check().ok()).isFalse();
        assertThat(consumer.check().detail()).contains("store write failed: IOException: disk full (test)");
        consumer.close();
        assertThat(queueDepth(0)).isEqualTo(15);

        RecordingStore working = new RecordingStore();
        AmqpConsumer next = consumer(0, 1, working, BROKER);
        await().atMost(WAIT).until(() -> next.stored() == 15);
        assertThat(working.written()).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(queueDepth(0)).isZero();

        // and the same consumer recovers when its store comes back
        broken.failing.set(false);
        next.close();
        RecordingStore flaky = new RecordingStore();
        flaky.failing.set(true);
        AmqpConsumer third = consumer(0, 1, flaky, BROKER);
        List<SampleBatch> more = fill(2, 3, 100);
        publisher(BROKER, 1, 500).publishNow();
        await().atMost(WAIT).until(() -> flaky.failedWrites.get() >= 1);
        flaky.failing.set(false);
        await().atMost(WAIT).until(() -> third.stored() == 6);
        assertThat(flaky.written()).containsExactlyInAnyOrderElementsOf(more);
        assertThat(third.check().ok()).isTrue();
    }

    @Test
    void aDeletedQueueIsDeclaredAgainByBothEnds() throws Exception {
        RecordingStore store = new RecordingStore();
        AmqpConsumer consumer = consumer(0, 1, store, BROKER);
        AmqpPublisher publisher = publisher(BROKER, 1, 500);
        List<SampleBatch> sent = new ArrayList<>(fill(2, 2));
        assertThat(publisher.publishNow()).isEqualTo(4);
        await().atMost(WAIT).until(() -> consumer.stored() == 4);

        // the consumer sees its subscription cancelled and declares its queue again
        deleteQueue(0);
        await().atMost(WAIT).until(() -> consumersOf(0) == 1); // declared, bound, then consumed: in that order
        sent.addAll(fill(2, 2, 2));
        assertThat(publisher.publishNow()).isEqualTo(4);
        await().atMost(WAIT).until(() -> consumer.stored() == 8);
        assertThat(consumer.connections()).isEqualTo(1);

        // with no consumer, the publisher's messages come back unroutable: the page stays, and its next
        // connection declares the queue again
        consumer.close();
        deleteQueue(0);
        sent.addAll(fill(2, 1, 4));
        assertThatThrownBy(publisher::publishNow).isInstanceOf(IOException.class)
                .hasMessageContaining("2 of 2 messages were returned unroutable by exchange '" + exchange + "'");
        assertThat(spool.stats().records()).isEqualTo(2);
        assertThat(publisher.publishNow()).isEqualTo(2);
        assertThat(publisher.connections()).isEqualTo(2);
        assertThat(queueDepth(0)).isEqualTo(2);

        AmqpConsumer next = consumer(0, 1, store, BROKER);
        await().atMost(WAIT).until(() -> next.stored() == 2);
        assertThat(store.written()).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void connectionsCutMidStreamLoseNothing() throws Exception {
        try (TcpCutter cutter = new TcpCutter(BROKER.getHost(), BROKER.getPort())) {
            URI relayed = URI.create("amqp://guest:guest@127.0.0.1:" + cutter.port());
            RecordingStore[] stores = {new RecordingStore(), new RecordingStore()};
            AmqpConsumer c0 = consumer(0, 2, stores[0], relayed);
            AmqpConsumer c1 = consumer(1, 2, stores[1], relayed);
            AmqpPublisher publisher = publisher(relayed, 2, 20);
            stores[0].hold();
            stores[1].hold();
            List<SampleBatch> sent = new ArrayList<>(fill(50, 20));
            assertThat(publisher.publishNow()).isEqualTo(1000);
            // each consumer is now inside a write, with more prefetched behind it, nothing acknowledged
            await().atMost(WAIT).until(() -> stores[0].heldWrites.get() == 1 && stores[1].heldWrites.get() == 1);

            sent.addAll(fill(50, 10, 20));
            cutter.pause();
            CompletableFuture<Long> midPage = CompletableFuture.supplyAsync(() -> {
                try {
                    return publisher.publishNow();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            await().atMost(WAIT).until(() -> publisher.published() > 1000); // a page sent, its confirms held
            cutter.cutAll();
            assertThatThrownBy(midPage::join).hasRootCauseInstanceOf(java.io.EOFException.class);
            assertThat(spool.stats().records()).isEqualTo(500);
            stores[0].release();
            stores[1].release(); // the writes return, their acks fail on the dead channels: redelivered

            assertThat(publisher.publishNow()).isEqualTo(500);
            await().atMost(WAIT).until(() -> c0.stored() + c1.stored() == 1500);

            List<SampleBatch> all = new ArrayList<>(stores[0].written());
            all.addAll(stores[1].written());
            assertThat(Set.copyOf(all)).isEqualTo(Set.copyOf(sent));
            // the pages written before the cut came again and the store dropped them: each batch stored once
            assertThat(c0.duplicates()).isPositive();
            assertThat(c1.duplicates()).isPositive();
            assertThat(all).hasSize((int) (1500 + c0.duplicates() + c1.duplicates()));
            for (int shard = 0; shard < 2; shard++) {
                int s = shard;
                assertThat(stores[shard].written().stream().map(SampleBatch::host).collect(toSet()))
                        .allSatisfy(h -> assertThat(Shards.shardOf(h, 2)).isEqualTo(s));
            }
            assertThat(spool.stats().records()).isZero();
            assertThat(publisher.connections()).isEqualTo(2);
            assertThat(publisher.failures()).isEqualTo(1);
            assertThat(c0.connections()).isEqualTo(2);
            assertThat(c1.connections()).isEqualTo(2);
            assertThat(queueDepth(0) + queueDepth(1)).isZero();
        }
    }

    private List<SampleBatch> fill(int hosts, int perHost) throws IOException {
        return fill(hosts, perHost, 0);
    }

    /** Appends {@code perHost} batches of each host, interleaved as pollers would, starting at moment {@code from}. */
    private List<SampleBatch> fill(int hosts, int perHost, int from) throws IOException {
        List<SampleBatch> out = new ArrayList<>();
        for (int i = from; i < from + perHost; i++) {
            for (int h = 0; h < hosts; h++) {
                SampleBatch b = batch(String.format("host-%02d.example.org", h), i);
                spool.append(BatchCodec.encode(b));
                out.add(b);
            }
        }
        return out;
    }

    private static SampleBatch batch(String host, int i) {
        return new SampleBatch(host, "load", T0 + 60L * i, Map.of("load", (double) i), null);
    }

    private AmqpPublisher publisher(URI uri, int shards, int pageSize) {
        AmqpPublisher p = AmqpPublisher.builder().uri(uri).exchange(exchange).shards(shards).spool(spool)
                .pageSize(pageSize).confirmTimeout(Duration.ofSeconds(5)).build();
        started.add(p);
        return p;
    }

    /** A started consumer, once its queue is declared and it consumes. */
    private AmqpConsumer consumer(int shard, int shards, RecordingStore store, URI uri) {
        AmqpConsumer c = AmqpConsumer.builder().uri(uri).exchange(exchange).shard(shard).shards(shards).store(store)
                .prefetch(100).retryDelay(Duration.ofMillis(200)).build();
        started.add(c);
        c.start();
        await().atMost(WAIT).until(() -> c.check().ok());
        return c;
    }

    private void deleteQueue(int shard) throws Exception {
        try (Channel ch = admin.createChannel()) {
            ch.queueDelete(Shards.queueName(exchange, shard));
        }
    }

    private int consumersOf(int shard) throws Exception {
        Channel ch = admin.createChannel();
        try {
            int consumers = ch.queueDeclarePassive(Shards.queueName(exchange, shard)).getConsumerCount();
            ch.close();
            return consumers;
        } catch (IOException e) {
            return 0; // NOT_FOUND, which closed the channel
        }
    }

    private long queueDepth(int shard) throws Exception {
        try (Channel ch = admin.createChannel()) {
            return ch.queueDeclarePassive(Shards.queueName(exchange, shard)).getMessageCount();
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
