package org.numeter.link;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.numeter.codec.BatchCodec;
import org.numeter.codec.CodecException;
import org.numeter.codec.Json;
import org.numeter.codec.RecordCodec;
import org.numeter.spool.SpoolReader;
import org.numeter.spool.SpoolRecord;
import org.numeter.spool.SpoolStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The downstream side of the pull link: reads an upstream spool served by {@link PullRoutes} over HTTP, so that a
 * {@link Drain} moves it like a local one.
 *
 * <p>It asks for pages of version 2 ({@link Pages}) and reads JSON pages (version 1) from an upstream that does not
 * know them. Of a version 2 page it reads each record's envelope only ({@link RecordCodec#envelope}, which checks
 * the record's framing and names) and hands the record on unchanged; a JSON record is decoded and handed on in the
 * compact format, so that the hops after it forward it unread. A record that does not decode is counted in
 * {@link #rejected()}, logged with the upstream URL, its sequence and the codec's message, and skipped; one the
 * validator refuses (say, a batch whose host is not the poller's own) is counted in {@link #refused()}. Neither ever blocks the link: records skipped at the end of a page are
 * acknowledged with the page, and a page with nothing usable is acknowledged at once and the next one read.
 *
 * <p>With {@link Builder#ackOnNextRead}, an acknowledgement to an upstream that says it takes one on a read
 * ({@link PullRoutes#ACKS_ON_READ}) waits for the next read and travels with it ({@code &ack=<sequence>}): one
 * request per drained page instead of two. It is sent only after the sink took the page, as a separate one is; a
 * downstream that stops before its next read leaves the page unacknowledged, and the upstream sends it again
 * (at-least-once). An upstream that does not say so gets the separate {@code POST} as before.
 *
 * <p>It keeps one connection to its upstream ({@link LinkConnection}), opened at the first request and again
 * whenever the upstream closed it; {@link #close()} closes it.
 *
 * <p>Used by one drain at a time; {@link #flushAck()} and {@link #close()} may come from another thread.
 */
public final class HttpSpoolReader implements SpoolReader, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpSpoolReader.class);
    private static final String ACCEPT_V2 = "Accept: " + Pages.ACCEPT_BOTH + "\r\n";
    private static final String ACCEPT_JSON = "Accept: application/json\r\n";

    private final String baseUrl;
    private final String basePath;
    private final boolean hasToken;
    // Authorization (when there is a token), written once: every request carries it
    private final String fixedHeaders;
    private final Duration readTimeout;
    private final LinkConnection connection;
    private final Predicate<RecordCodec.Envelope> validator;
    private final boolean checkRecords;
    private final AckBarrier beforeAck;
    private final boolean v2;
    private final boolean ackOnNextRead;
    // A lock rather than synchronized: a virtual thread blocked in the socket under a monitor pins its carrier on
    // Java 21, which would let only as many drains wait on the network as there are cores.
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    // The last record handed out and the last sequence of its page: acknowledging the one acknowledges the other,
    // so that skipped records after the last good one are not read again.
    private long lastHandedOut = -1;
    private volatile long upstreamDropped = -1;
    private long pageEnd = -1;
    // Whether the upstream said, on its last page, that it applies an acknowledgement carried by a read.
    private boolean upstreamAcksOnRead;
    // The acknowledgement waiting for the next read; -1 for none.
    private long pendingAck = -1;

    private HttpSpoolReader(Builder b) {
        this.baseUrl = b.baseUrl;
        String path = b.uri.getRawPath() == null ? "" : b.uri.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.hasToken = b.token != null;
        this.fixedHeaders = b.token == null ? "" : "Authorization: Bearer " + b.token + "\r\n";
        this.readTimeout = b.readTimeout;
        this.connection = new LinkConnection(b.uri, b.connectTimeout);
        this.validator = b.validator;
        this.checkRecords = b.checkRecords;
        this.beforeAck = b.beforeAck;
        this.v2 = b.version == 2;
        this.ackOnNextRead = b.ackOnNextRead;
    }

    /** What must hold before an acknowledgement leaves ({@link Builder#beforeAck}). */
    @FunctionalInterface
    public interface AckBarrier {
        void await() throws IOException;
    }

    /** @param baseUrl the upstream server, e.g. {@code http://web1:4950}; the {@code /spool/v1/...} paths are added */
    public static Builder builder(URI baseUrl) {
        return new Builder(baseUrl);
    }

    public static final class Builder {
        private final String baseUrl;
        private final URI uri;
        private String token;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration readTimeout = Duration.ofSeconds(30);
        private Predicate<RecordCodec.Envelope> validator;
        private boolean checkRecords = true;
        private AckBarrier beforeAck;
        private int version = 2;
        private boolean ackOnNextRead;

        private Builder(URI baseUrl) {
            String s = Objects.requireNonNull(baseUrl, "baseUrl").toString();
            if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())) {
                throw new IllegalArgumentException("pull link URL '" + s + "' is not an http or https URL");
            }
            if (baseUrl.getRawUserInfo() != null) {
                throw new IllegalArgumentException("pull link URL must not carry a user or password, give a token");
            }
            if (baseUrl.getHost() == null) {
                throw new IllegalArgumentException("pull link URL '" + s + "' names no host");
            }
            if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
                throw new IllegalArgumentException("pull link URL '" + s + "' must not carry a query or a fragment");
            }
            this.uri = baseUrl;
            this.baseUrl = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        }

        /** The bearer token the upstream wants; null (the default) for none. */
        public Builder token(String token) {
            if (token != null && (token.isBlank() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e))) {
                throw new IllegalArgumentException("pull link token is blank or holds spaces or control characters");
            }
            this.token = token;
            return this;
        }

        /** How long opening the connection may take; default 5 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** How long one request may take, answer included; default 30 s. */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = positive(timeout, "readTimeout");
            return this;
        }

        /** Batches this refuses are counted in {@link HttpSpoolReader#refused()}, logged, skipped and acked. */
        public Builder validator(Predicate<RecordCodec.Envelope> validator) {
            this.validator = Objects.requireNonNull(validator, "validator");
            return this;
        }

        /**
         * Whether the reader checks each v2 record's envelope itself (the default), or hands v2 records on unread
         * because its sink checks every one anyway (the collector's host check reads the same envelope): one read
         * of each record instead of two. A JSON record that does not decode is rejected here either way. Cannot
         * go with a {@link #validator}, which needs the envelope.
         */
        public Builder checkRecords(boolean checkRecords) {
            this.checkRecords = checkRecords;
            return this;
        }

        /**
         * Runs before any acknowledgement leaves, carried on a read or sent apart: for a sink that takes a page
         * without making it durable at once ({@code Spool.appendAllDeferred}) and does so only when an
         * acknowledgement is about to vouch for it. None by default: the sink's {@code accept} made it durable.
         */
        public Builder beforeAck(AckBarrier barrier) {
            this.beforeAck = Objects.requireNonNull(barrier, "barrier");
            return this;
        }

        /**
         * The page version asked for: 2 (the default) asks for version 2 and reads either; 1 asks for JSON only,
         * as a downstream older than version 2 does (benchmarks and compatibility tests).
         */
        public Builder linkVersion(int version) {
            if (version != 1 && version != 2) {
                throw new IllegalArgumentException("pull link version " + version + " is not 1 or 2");
            }
            this.version = version;
            return this;
        }

        /**
         * Whether an acknowledgement may wait for the next read and travel with it, when the upstream takes that
         * (default false: every acknowledgement is sent at once). Until that read the upstream keeps the page, so
         * a drain that runs once a cycle (the collector's of its pollers) saves a request per poller per cycle at
         * the cost of the upstream holding the last page a cycle longer.
         */
        public Builder ackOnNextRead(boolean ackOnNextRead) {
            this.ackOnNextRead = ackOnNextRead;
            return this;
        }

        public HttpSpoolReader build() {
            if (!checkRecords && validator != null) {
                throw new IllegalStateException("pull link: a validator needs checkRecords(true)");
            }
            if (validator == null) {
                validator = batch -> true;
            }
            return new HttpSpoolReader(this);
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("pull link " + name + " " + d + " must be positive");
            }
            return d;
        }
    }

    @Override
    public List<SpoolRecord> read(long from, int max) throws IOException {
        lock.lock();
        try {
            if (max <= 0) {
                throw new IllegalArgumentException("max " + max + " must be positive");
            }
            long start = from;
            while (true) {
                String query = PullRoutes.RECORDS + "?from=" + start + "&max=" + Math.min(max, PullRoutes.MOST);
                String url = baseUrl + query;
                long carried = pendingAck;
                if (carried >= 0 && beforeAck != null) {
                    beforeAck.await();
                }
                LinkConnection.Response response = send("GET", carried < 0 ? query : query + "&ack=" + carried,
                        v2 ? ACCEPT_V2 : ACCEPT_JSON, url);
                upstreamAcksOnRead = response.acksOnRead();
                if (carried >= 0) {
                    if (!upstreamAcksOnRead) {
                        // Replaced by an upstream that does not take it on a read: it ignored it, so say it apart.
                        postAck(carried);
                    }
                    pendingAck = -1;
                }
                List<Received> page;
                if (Pages.isV2(response.contentType())) {
                    Pages.Page v2Page = Pages.decode(response.body(), "GET " + url);
                    upstreamDropped = v2Page.dropped();
                    page = v2Page.records().stream().map(r -> new Received(r, null)).toList();
                } else {
                    page = v1Page(url, response.body());
                }
                if (carried >= 0 && !upstreamAcksOnRead && !page.isEmpty()) {
                    // Sent before the separate acknowledgement above reached it: already handed on once.
                    List<Received> fresh = page.stream().filter(r -> r.record().sequence() > carried).toList();
                    if (fresh.isEmpty()) {
                        continue;
                    }
                    page = fresh;
                }
                if (page.isEmpty()) {
                    return List.of();
                }
                List<SpoolRecord> out = new ArrayList<>(page.size());
                long last = -1;
                for (Received r : page) {
                    if (r.record().sequence() <= last) {
                        throw new IOException("GET " + url + ": record " + r.record().sequence() + " after " + last
                                + ": out of order");
                    }
                    last = r.record().sequence();
                    SpoolRecord accepted = accept(url, r);
                    if (accepted != null) {
                        out.add(accepted);
                    }
                }
                received.addAndGet(page.size());
                if (!out.isEmpty()) {
                    lastHandedOut = out.get(out.size() - 1).sequence();
                    pageEnd = last;
                    return out;
                }
                // Nothing usable here: let it go upstream, or it would come back on every read.
                ack(last);
                start = Math.max(from, last + 1);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A record as received, or why its JSON batch did not decode. */
    private record Received(SpoolRecord record, String problem) {}

    /**
     * The records of a JSON page (version 1), each batch turned into a v2 record, or with the reason it did not
     * decode, so that {@link #accept} rejects it in order with the others.
     */
    private static List<Received> v1Page(String url, byte[] body) throws IOException {
        JsonNode records = parse(url, body).get("records");
        if (records == null || !records.isArray()) {
            throw new IOException("GET " + url + ": answer has no records array");
        }
        List<Received> out = new ArrayList<>(records.size());
        for (JsonNode r : records) {
            JsonNode seq = r.get("seq");
            if (seq == null || !seq.canConvertToLong()) {
                throw new IOException("GET " + url + ": record without a sequence: " + abbreviate(r.toString()));
            }
            JsonNode appended = r.get("appended");
            long appendedAt = appended != null && appended.canConvertToLong() ? appended.longValue() : 0;
            byte[] payload = new byte[0];
            String problem = null;
            try {
                payload = RecordCodec.encode(BatchCodec.readBatch(r.get("batch")));
            } catch (IllegalArgumentException e) { // CodecException, or a model rule the codec let through
                problem = e.getMessage();
            }
            out.add(new Received(new SpoolRecord(seq.longValue(), appendedAt, payload), problem));
        }
        return out;
    }

    /** The record to hand on, or null when it is rejected or refused (counted and logged). */
    private SpoolRecord accept(String url, Received received) {
        SpoolRecord r = received.record();
        RecordCodec.Envelope envelope;
        try {
            if (received.problem() != null) {
                throw new CodecException(received.problem());
            }
            if (!checkRecords) {
                return r;
            }
            envelope = RecordCodec.envelope(r.payload());
        } catch (IllegalArgumentException e) {
            rejected.incrementAndGet();
            LOG.warn("{}: record {} rejected: {}", url, r.sequence(), e.getMessage());
            return null;
        }
        if (!validator.test(envelope)) {
            refused.incrementAndGet();
            LOG.warn("{}: record {} refused: batch of host {}, plugin {} is not accepted from this upstream", url,
                    r.sequence(), envelope.host(), envelope.plugin());
            return null;
        }
        return r;
    }

    @Override
    public void ack(long upTo) throws IOException {
        lock.lock();
        try {
            long effective = upTo == lastHandedOut ? Math.max(upTo, pageEnd) : upTo;
            if (ackOnNextRead && upstreamAcksOnRead) {
                pendingAck = Math.max(pendingAck, effective);
                return;
            }
            postAck(effective);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends the acknowledgement that waits for the next read now, if any: for a downstream that stops reading
     * this upstream (or stops altogether) and would rather not have the last page sent again.
     */
    public void flushAck() throws IOException {
        lock.lock();
        try {
            long carried = pendingAck;
            if (carried >= 0) {
                postAck(carried);
                pendingAck = -1;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether an acknowledgement waits for the next read ({@link #flushAck} would send it). */
    public boolean ackWaiting() {
        lock.lock();
        try {
            return pendingAck >= 0;
        } finally {
            lock.unlock();
        }
    }

    private void postAck(long effective) throws IOException {
        if (beforeAck != null) {
            beforeAck.await();
        }
        String query = PullRoutes.ACK + "?upTo=" + effective;
        send("POST", query, "", baseUrl + query);
    }

    /**
     * What the upstream spool had dropped for being full, as the header of the last version 2 page said; -1 when
     * no such page came (an upstream older than version 2 tells it only in {@link #stats()}).
     */
    public long upstreamDropped() {
        return upstreamDropped;
    }

    /** The upstream spool's figures. */
    public SpoolStats stats() throws IOException {
        lock.lock();
        try {
            String url = baseUrl + PullRoutes.STATS;
            byte[] body = send("GET", PullRoutes.STATS, ACCEPT_JSON, url).body();
            try {
                return Json.mapper().readValue(body, SpoolStats.class);
            } catch (JsonProcessingException e) {
                throw new IOException("GET " + url + ": answer is not spool stats: " + e.getOriginalMessage(), e);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * One exchange on the reader's connection.
     *
     * @param target the route and query under the base URL's path
     * @param accept the Accept header line, or an empty text for none
     * @param url what the messages name: the base URL and the target without a carried acknowledgement
     */
    private LinkConnection.Response send(String method, String target, String accept, String url)
            throws IOException {
        // The reader's clock, so that a poller can tell how far off its own is (PullRoutes#clockOffsetMillis).
        String headers = accept + fixedHeaders + PullRoutes.TIME_HEADER + ": " + System.currentTimeMillis() + "\r\n";
        LinkConnection.Response response;
        try {
            response = connection.exchange(method, basePath + target, headers, readTimeout);
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException(method + " " + url + " interrupted");
            }
            throw new IOException(method + " " + url + ": " + e, e);
        }
        if (response.status() / 100 != 2) {
            throw new IOException(method + " " + url + ": status " + response.status() + ": "
                    + abbreviate(new String(response.body(), StandardCharsets.UTF_8)));
        }
        return response;
    }

    /** Closes the connection to the upstream; a read under way fails. A waiting acknowledgement is not sent. */
    @Override
    public void close() {
        connection.close();
    }

    private static JsonNode parse(String url, byte[] body) throws IOException {
        try {
            JsonNode node = Json.mapper().readTree(body);
            if (node == null || !node.isObject()) {
                throw new IOException("GET " + url + ": answer is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IOException("GET " + url + ": answer is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String abbreviate(String text) {
        String line = text.strip().replace('\n', ' ');
        return line.length() <= 200 ? line : line.substring(0, 197) + "...";
    }

    /** Records received from upstream, good or not. */
    public long received() {
        return received.get();
    }

    /** Records skipped because they did not decode as a sample batch. */
    public long rejected() {
        return rejected.get();
    }

    /** Records skipped because the validator refused their batch. */
    public long refused() {
        return refused.get();
    }

    @Override
    public String toString() {
        return "HttpSpoolReader{" + baseUrl + (hasToken ? ", bearer token" : "") + "}";
    }
}
