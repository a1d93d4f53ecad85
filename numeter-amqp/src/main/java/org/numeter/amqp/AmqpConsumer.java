package org.numeter.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.numeter.codec.RecordCodec;
import org.numeter.component.CheckResult;
import org.numeter.component.Component;
import org.numeter.model.SampleBatch;
import org.numeter.store.Store;
import org.numeter.store.WriteResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage end of the AMQP link: consumes one shard's durable queue and writes what arrives into a
 * {@link Store}. Deliveries are acknowledged (all up to the last, at once) only after the store's write returned;
 * when the write fails they are rejected back to the queue after a pause, so a store that is down keeps its data
 * in RabbitMQ. A message that is not a sample batch is counted, logged and acknowledged: it never blocks the queue.
 *
 * <p>One thread does everything after the broker's delivery: decode, write, acknowledge. Writes take whatever has
 * arrived, up to the prefetch, so a busy queue is written in large batches and a quiet one at once. After a
 * dropped connection it reconnects and declares its queue again; the broker redelivers what was not acknowledged
 * and the store drops what it already has.
 */
public final class AmqpConsumer implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(AmqpConsumer.class);
    private static final long POLL_MILLIS = 200;

    private final Broker broker;
    private final String exchange;
    private final int shard;
    private final int shards;
    private final Store store;
    private final int prefetch;
    private final Duration retryDelay;
    private final String queue;

    private final BlockingQueue<Pending> arrived = new LinkedBlockingQueue<>();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong misrouted = new AtomicLong();
    private final AtomicLong writeFailures = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();

    private volatile Connection connection;
    private volatile Channel channel;
    private volatile Channel cancelled;
    private volatile boolean running;
    private volatile String connectFailure;
    private volatile String storeFailure;
    private Thread worker;

    /** A delivery waiting for the worker, with the channel it came on: its tag means nothing on another. */
    private record Pending(Channel channel, long tag, byte[] body) {}

    private AmqpConsumer(Builder b) {
        this.broker = Broker.of(b.uri);
        this.exchange = Broker.requireExchange(b.exchange);
        this.shard = Shards.requireShard(b.shard, b.shards);
        this.shards = b.shards;
        if (b.store == null) {
            throw new IllegalArgumentException("amqp consumer of shard " + b.shard + ": a store is required");
        }
        this.store = b.store;
        this.prefetch = b.prefetch;
        this.retryDelay = b.retryDelay;
        this.queue = Shards.queueName(exchange, shard);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts the worker, which connects at once and again whenever the connection drops. */
    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        worker = Thread.ofPlatform().name("amqp-consumer-" + queue).daemon().start(this::work);
    }

    private void work() {
        while (running) {
            try {
                Channel ch = channel;
                if (ch != null && ch == cancelled) {
                    ch.abort(); // a new channel declares the queue again and consumes it
                }
                if (ch == null || !ch.isOpen()) {
                    if (ch != null && ch != cancelled) {
                        LOG.warn("{}: connection lost ({}); reconnecting", this, Broker.message(ch.getCloseReason()));
                    }
                    ch = openChannel();
                }
                Pending first = arrived.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first != null) {
                    List<Pending> page = new ArrayList<>();
                    page.add(first);
                    arrived.drainTo(page, prefetch - 1);
                    handle(ch, page);
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (!running) {
                    return;
                }
                connectFailure = Broker.message(e);
                LOG.warn("{}: {} (retrying in {})", this, connectFailure, retryDelay);
                disconnect();
                if (!pause()) {
                    return;
                }
            }
        }
    }

    /** A new channel, on the open connection or a new one, consuming the (declared again) queue. */
    private Channel openChannel() throws IOException {
        Connection c = connection;
        if (c == null || !c.isOpen()) {
            disconnect();
            c = broker.connect("numeter-storage " + queue);
            connection = c;
            connections.incrementAndGet();
        }
        Channel ch = c.createChannel();
        try {
            ch.basicQos(prefetch);
            Broker.declareShard(ch, exchange, shard);
            ch.basicConsume(queue, false, "numeter-storage-" + shard,
                    (tag, delivery) -> arrived.add(new Pending(ch, delivery.getEnvelope().getDeliveryTag(),
                            delivery.getBody())),
                    tag -> {
                        LOG.warn("{}: the broker cancelled the subscription (queue deleted?); subscribing again", this);
                        cancelled = ch;
                    });
        } catch (IOException | RuntimeException e) {
            ch.abort();
            throw e;
        }
        channel = ch;
        connectFailure = null;
        LOG.info("{}: consuming", this);
        return ch;
    }

    /** Decodes a page of deliveries, writes the batches, then acknowledges (or rejects) the page. */
    private void handle(Channel ch, List<Pending> page) throws IOException, InterruptedException {
        List<SampleBatch> batches = new ArrayList<>(page.size());
        long lastTag = -1;
        for (Pending p : page) {
            if (p.channel() != ch) {
                continue; // from a dropped connection: redelivered on this one
            }
            lastTag = p.tag();
            received.incrementAndGet();
            SampleBatch batch;
            try {
                batch = RecordCodec.decode(p.body());
            } catch (IllegalArgumentException e) {
                malformed.incrementAndGet();
                LOG.warn("{}: delivery {} is not a sample batch, acknowledged and dropped: {}", this, p.tag(),
                        e.getMessage());
                continue;
            }
            if (Shards.shardOf(batch.host(), shards) != shard && misrouted.getAndIncrement() == 0) {
                LOG.warn("{}: host {} belongs to shard {}, stored here anyway: do publishers use {} shards too?",
                        this, batch.host(), Shards.shardOf(batch.host(), shards), shards);
            }
            batches.add(batch);
        }
        if (lastTag < 0) {
            return;
        }
        if (!batches.isEmpty()) {
            WriteResult r;
            try {
                r = store.write(batches);
            } catch (IOException | RuntimeException e) {
                writeFailures.incrementAndGet();
                storeFailure = "store write failed: " + Broker.message(e);
                LOG.warn("{}: {}; the deliveries go back to the queue in {}", this, storeFailure, retryDelay);
                if (pause()) {
                    ch.basicNack(lastTag, true, true);
                }
                // Deliveries prefetched behind this page must go back too, or they would be written before the
                // requeued ones and the store would drop those as older than what it has. Closing the channel
                // returns them all, in queue order.
                channel = null;
                ch.abort();
                return;
            }
            stored.addAndGet(r.batches());
            duplicates.addAndGet(r.duplicates());
            rejected.addAndGet(r.rejected());
        }
        ch.basicAck(lastTag, true);
        storeFailure = null;
    }

    /** Waits the retry delay; false when closing. */
    private boolean pause() {
        try {
            Thread.sleep(retryDelay);
            return running;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private void disconnect() {
        Connection c = connection;
        connection = null;
        channel = null;
        if (c != null) {
            c.abort(1_000);
        }
    }

    /** Healthy when consuming and the last write succeeded; the detail gives the counters. */
    @Override
    public CheckResult check() {
        if (!running) {
            return CheckResult.failed(this + " is not started");
        }
        String failure = connectFailure != null ? connectFailure : storeFailure;
        if (failure != null) {
            return CheckResult.failed(this + ": " + failure);
        }
        Channel ch = channel;
        if (ch == null || !ch.isOpen()) {
            return CheckResult.failed(this + ": not connected");
        }
        return new CheckResult(true, "received " + received.get() + ", stored " + stored.get() + ", duplicates "
                + duplicates.get() + ", malformed " + malformed.get() + ", write failures " + writeFailures.get());
    }

    /**
     * Stops consuming; what was delivered and not yet acknowledged goes back to the queue. The store is the
     * caller's.
     */
    @Override
    public void close() {
        Thread w;
        synchronized (this) {
            running = false;
            w = worker;
            worker = null;
        }
        if (w != null) {
            w.interrupt();
            try {
                w.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        disconnect();
        arrived.clear();
    }

    /** The durable queue this consumer reads: {@code <exchange>.shard-<n>}. */
    public String queue() {
        return queue;
    }

    /** Messages taken from the queue, malformed ones included; redeliveries count again. */
    public long received() {
        return received.get();
    }

    /** Batches the store stored. */
    public long stored() {
        return stored.get();
    }

    /** Batches the store dropped because it already had them (redeliveries, replays). */
    public long duplicates() {
        return duplicates.get();
    }

    /** Batches the store refused as invalid. */
    public long rejected() {
        return rejected.get();
    }

    /** Messages that were not sample batches: acknowledged and dropped. */
    public long malformed() {
        return malformed.get();
    }

    /** Batches whose host belongs to another shard (publishers configured with another shard count); stored anyway. */
    public long misrouted() {
        return misrouted.get();
    }

    /** Store writes that failed; their deliveries went back to the queue. */
    public long writeFailures() {
        return writeFailures.get();
    }

    /** Connections opened so far: more than one means it reconnected. */
    public long connections() {
        return connections.get();
    }

    @Override
    public String toString() {
        return "AmqpConsumer{" + broker + ", queue=" + queue + ", shards=" + shards + "}";
    }

    /** Builds a consumer; the store is required, the shard defaults to 0 of 1. */
    public static final class Builder {
        private URI uri = URI.create("amqp://guest:guest@127.0.0.1:5672");
        private String exchange = "numeter";
        private int shard;
        private int shards = 1;
        private Store store;
        private int prefetch = 1000;
        private Duration retryDelay = Duration.ofSeconds(5);

        private Builder() {}

        /** The broker, {@code amqp://user:password@host:5672/vhost}; default {@code amqp://guest:guest@127.0.0.1:5672}
         * (a trailing {@code /} also means the default vhost {@code /}). */
        public Builder uri(URI uri) {
            this.uri = uri;
            return this;
        }

        /** The direct exchange; default {@code numeter}. */
        public Builder exchange(String exchange) {
            this.exchange = exchange;
            return this;
        }

        /** This storage's shard, from 0 to {@code shards - 1}; default 0. */
        public Builder shard(int shard) {
            this.shard = shard;
            return this;
        }

        /** How many shards the publishers spread hosts over; default 1. */
        public Builder shards(int shards) {
            this.shards = shards;
            return this;
        }

        /** Where batches are written. Required. */
        public Builder store(Store store) {
            this.store = store;
            return this;
        }

        /** Unacknowledged messages the broker may send ahead, and the largest write; default 1000. */
        public Builder prefetch(int prefetch) {
            if (prefetch < 1 || prefetch > 65_535) {
                throw new IllegalArgumentException("amqp prefetch " + prefetch + " must be from 1 to 65535");
            }
            this.prefetch = prefetch;
            return this;
        }

        /** Pause after a failed store write or connection before trying again; default 5 s. */
        public Builder retryDelay(Duration retryDelay) {
            if (retryDelay == null || retryDelay.isNegative() || retryDelay.isZero()) {
                throw new IllegalArgumentException("amqp retry delay " + retryDelay + " must be positive");
            }
            this.retryDelay = retryDelay;
            return this;
        }

        /** Checks the settings without connecting. */
        public AmqpConsumer build() {
            return new AmqpConsumer(this);
        }
    }
}
