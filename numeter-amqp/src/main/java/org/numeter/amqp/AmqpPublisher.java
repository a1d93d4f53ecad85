package org.numeter.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.numeter.codec.RecordCodec;
import org.numeter.component.CheckResult;
import org.numeter.component.Component;
import org.numeter.spool.Spool;
import org.numeter.spool.SpoolRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes a local spool to RabbitMQ, one persistent message per sample batch, routed to the shard of its host
 * ({@link Shards}). A page of the spool is acknowledged only after the broker has confirmed every message of it,
 * so a broker that is down, refuses, or drops the connection mid-page costs a replay (duplicates, which the
 * storage drops), never a loss.
 *
 * <p>It declares the exchange and every shard's queue itself, so that what it publishes before the storages
 * first start waits in their queues instead of being dropped as unroutable. Messages are published mandatory: one
 * the exchange cannot route fails its page.
 *
 * <p>An unreachable broker does not stop {@link #start()}: the spool keeps everything, each run tries again, and
 * {@link #check()} says what failed.
 */
public final class AmqpPublisher implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(AmqpPublisher.class);
    private static final AMQP.BasicProperties PERSISTENT_JSON = new AMQP.BasicProperties.Builder()
            .contentType("application/json")
            .deliveryMode(2)
            .build();

    private final Broker broker;
    private final String exchange;
    private final int shards;
    private final Spool spool;
    private final Duration interval;
    private final int pageSize;
    private final Duration confirmTimeout;

    private final AtomicLong published = new AtomicLong();
    private final AtomicLong confirmed = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong returned = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private final Object publishing = new Object();

    private Connection connection;
    private Channel channel;
    private ScheduledExecutorService scheduler;
    private volatile boolean started;
    private volatile boolean ran;
    private volatile String lastFailure;

    private AmqpPublisher(Builder b) {
        this.broker = Broker.of(b.uri);
        this.exchange = Broker.requireExchange(b.exchange);
        this.shards = Shards.requireShards(b.shards);
        if (b.spool == null) {
            throw new IllegalArgumentException("amqp publisher: a spool is required");
        }
        this.spool = b.spool;
        this.interval = b.interval;
        this.pageSize = b.pageSize;
        this.confirmTimeout = b.confirmTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts the schedule; the first run is at once. Connects on the first run, not here. */
    @Override
    public synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("amqp-publisher").daemon().factory());
        scheduler.scheduleWithFixedDelay(this::scheduledRun, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void scheduledRun() {
        try {
            publishNow();
        } catch (IOException e) {
            LOG.warn("{}: {} (the spool keeps the batches; next try in {})", this, e.getMessage(), interval);
        } catch (RuntimeException e) {
            // The schedule must survive anything one run does.
            LOG.error("{}: run failed", this, e);
        }
    }

    /**
     * Publishes everything the spool holds now, page by page, acknowledging each page once the broker confirmed
     * it; returns how many batches were confirmed. Throws when the broker cannot be reached or did not confirm:
     * the page stays in the spool and the connection is dropped, to be opened again by the next run.
     */
    public long publishNow() throws IOException {
        synchronized (publishing) {
            ran = true;
            try {
                long moved = drain();
                lastFailure = null;
                return moved;
            } catch (ShutdownSignalException e) {
                failures.incrementAndGet();
                lastFailure = "connection lost: " + Broker.message(e);
                disconnect();
                throw new IOException(lastFailure, e);
            } catch (IOException | RuntimeException e) {
                failures.incrementAndGet();
                lastFailure = Broker.message(e);
                disconnect();
                throw e;
            }
        }
    }

    private long drain() throws IOException {
        long moved = 0;
        while (true) {
            List<SpoolRecord> page = spool.read(0, pageSize);
            if (page.isEmpty()) {
                return moved;
            }
            List<String> skipped = new ArrayList<>();
            moved += publish(page, skipped);
            spool.ack(page.get(page.size() - 1).sequence());
            // counted and logged once the page is released, so that a page retried many times counts once
            malformed.addAndGet(skipped.size());
            skipped.forEach(problem -> LOG.warn("{}: {}", this, problem));
            if (page.size() < pageSize) {
                return moved;
            }
        }
    }

    /**
     * Publishes one page and waits for its confirms; returns how many batches the broker confirmed, and adds to
     * {@code skipped} why each record that is not a batch was left out.
     */
    private long publish(List<SpoolRecord> page, List<String> skipped) throws IOException {
        Channel ch = null;
        long sent = 0;
        long returnedBefore = returned.get();
        for (SpoolRecord r : page) {
            String host;
            byte[] body;
            try {
                // JSON on the queues, which every consumer reads, those older than the compact records included
                body = RecordCodec.toV1(r.payload());
                host = RecordCodec.envelope(r.payload()).host();
            } catch (IllegalArgumentException e) {
                skipped.add("spool record " + r.sequence() + " is not a sample batch, skipped: " + e.getMessage());
                continue;
            }
            if (ch == null) {
                ch = channel();
            }
            ch.basicPublish(exchange, Shards.routingKey(Shards.shardOf(host, shards)), true, PERSISTENT_JSON,
                    body);
            published.incrementAndGet();
            sent++;
        }
        if (ch == null) {
            return 0;
        }
        awaitConfirms(ch);
        long unroutable = returned.get() - returnedBefore;
        if (unroutable > 0) {
            throw new IOException(unroutable + " of " + sent + " messages were returned unroutable by exchange '"
                    + exchange + "' (was a shard queue deleted?)");
        }
        confirmed.addAndGet(sent);
        return sent;
    }

    private void awaitConfirms(Channel ch) throws IOException {
        try {
            ch.waitForConfirmsOrDie(confirmTimeout.toMillis());
        } catch (TimeoutException e) {
            throw new IOException("broker did not confirm within " + confirmTimeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for confirms");
        }
    }

    private Channel channel() throws IOException {
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        disconnect();
        Connection c = broker.connect("numeter-publisher " + exchange);
        try {
            Channel ch = c.createChannel();
            ch.confirmSelect();
            ch.addReturnListener(r -> returned.incrementAndGet());
            for (int shard = 0; shard < shards; shard++) {
                Broker.declareShard(ch, exchange, shard);
            }
            connection = c;
            channel = ch;
            connections.incrementAndGet();
            LOG.info("{}: connected", this);
            return ch;
        } catch (IOException | RuntimeException e) {
            c.abort();
            throw e;
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

    /** Healthy when the last run (scheduled or on demand) reached the broker; the detail gives the counters. */
    @Override
    public CheckResult check() {
        if (!started && !ran) {
            return CheckResult.failed(this + " is not started");
        }
        String failure = lastFailure;
        if (failure != null) {
            return CheckResult.failed(this + ": " + failure + "; " + spool.stats().records() + " batches waiting");
        }
        return new CheckResult(true, "published " + published.get() + ", confirmed " + confirmed.get()
                + ", malformed " + malformed.get() + ", failures " + failures.get());
    }

    /**
     * Stops the schedule (interrupting a run: its page stays in the spool) and the connection. The spool is the
     * caller's.
     */
    @Override
    public void close() {
        ScheduledExecutorService s;
        synchronized (this) {
            started = false;
            s = scheduler;
            scheduler = null;
        }
        if (s != null) {
            s.shutdownNow();
            try {
                s.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (publishing) {
            disconnect();
        }
    }

    /** Batches handed to the broker. */
    public long published() {
        return published.get();
    }

    /** Batches the broker confirmed (and the spool then released). */
    public long confirmed() {
        return confirmed.get();
    }

    /** Spool records that were not sample batches: skipped and released with their page. */
    public long malformed() {
        return malformed.get();
    }

    /** Runs that failed (broker unreachable, no confirm, unroutable); their pages stayed in the spool. */
    public long failures() {
        return failures.get();
    }

    /** Connections opened so far: more than one means it reconnected. */
    public long connections() {
        return connections.get();
    }

    @Override
    public String toString() {
        return "AmqpPublisher{" + broker + ", exchange=" + exchange + ", shards=" + shards + "}";
    }

    /** Builds a publisher; the spool is required, the rest has defaults. */
    public static final class Builder {
        private URI uri = URI.create("amqp://guest:guest@127.0.0.1:5672");
        private String exchange = "numeter";
        private int shards = 1;
        private Spool spool;
        private Duration interval = Duration.ofSeconds(10);
        private int pageSize = 500;
        private Duration confirmTimeout = Duration.ofSeconds(30);

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

        /** How many storage shards hosts are spread over; default 1. Every publisher and consumer must agree. */
        public Builder shards(int shards) {
            this.shards = shards;
            return this;
        }

        /** The local spool to drain. Required. */
        public Builder spool(Spool spool) {
            this.spool = spool;
            return this;
        }

        /** Time between the end of one run and the start of the next; default 10 s. */
        public Builder interval(Duration interval) {
            if (interval == null || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("amqp publish interval " + interval + " must be positive");
            }
            this.interval = interval;
            return this;
        }

        /** Spool records per page, each page confirmed as one; default 500. */
        public Builder pageSize(int pageSize) {
            if (pageSize < 1 || pageSize > 10_000) {
                throw new IllegalArgumentException("amqp page size " + pageSize + " must be from 1 to 10000");
            }
            this.pageSize = pageSize;
            return this;
        }

        /** How long to wait for a page's confirms before giving up on the connection; default 30 s. */
        public Builder confirmTimeout(Duration confirmTimeout) {
            if (confirmTimeout == null || confirmTimeout.isNegative() || confirmTimeout.isZero()) {
                throw new IllegalArgumentException("amqp confirm timeout " + confirmTimeout + " must be positive");
            }
            this.confirmTimeout = confirmTimeout;
            return this;
        }

        /** Checks the settings without connecting. */
        public AmqpPublisher build() {
            return new AmqpPublisher(this);
        }
    }
}
