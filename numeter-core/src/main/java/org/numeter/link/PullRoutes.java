package org.numeter.link;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.numeter.codec.Json;
import org.numeter.codec.RecordCodec;
import org.numeter.spool.Spool;
import org.numeter.spool.SpoolRecord;

/**
 * The upstream side of the pull link (docs/api.md, section 1): serves one spool's records, acknowledgements and
 * figures, on a Javalin server ({@link #register}) or the poller's own ({@link PullServer}, which loads none of
 * Javalin: its side is a nested class). With a token, every request must carry {@code Authorization: Bearer <token>};
 * without it or with a wrong one the answer is {@code 401} and nothing is read or acknowledged.
 *
 * <p>The page's version is negotiated ({@link Pages}): a downstream that asks for version 2 gets the records as
 * they are held, unread; any other gets JSON (version 1), each v2 record turned into its JSON. A payload that is
 * not one JSON value is sent there as a JSON string, so the page stays readable and the client's codec rejects
 * that one record instead of the whole page.
 */
public final class PullRoutes {
    public static final String RECORDS = "/spool/v1/records";
    public static final String ACK = "/spool/v1/ack";
    public static final String STATS = "/spool/v1/stats";
    /** The reader's clock (epoch milliseconds) at its request: how a poller learns its collector's time. */
    public static final String TIME_HEADER = "X-Numeter-Time";
    public static final int DEFAULT_MAX = 500;
    public static final int MOST = 10_000;
    /**
     * Sent with every page by an upstream that applies the acknowledgement a read carries ({@code &ack=<sequence>}):
     * a downstream that sees it may acknowledge a page with its next read instead of a separate request.
     */
    public static final String ACKS_ON_READ = "Numeter-Acks-On-Read";

    private static final JsonFactory FACTORY = Json.factory();

    private final Spool spool;
    private final BearerToken token;
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong servedV1 = new AtomicLong();
    private final AtomicLong servedV2 = new AtomicLong();
    private final AtomicLong acksApart = new AtomicLong();
    private final AtomicLong acksOnRead = new AtomicLong();
    private volatile long lastReadMillis;
    private volatile long clockOffsetMillis;
    private volatile boolean clockKnown;

    /** @param token the bearer token requests must carry, or null to serve without one */
    public PullRoutes(Spool spool, String token) {
        this.spool = spool;
        this.token = BearerToken.of(token, "pull link");
    }

    /**
     * Adds the three routes to a server's routes, inside {@code Javalin.create(config -> ...)}:
     * {@code pullRoutes.register(config.routes)}. Errors are mapped by {@link HttpErrors}, installed by the caller.
     */
    public void register(RoutesConfig routes) {
        OnJavalin.register(this, routes);
    }

    /**
     * Adds a {@code GET path} answering {@code body}'s value as JSON, behind the same token as the link's routes: a
     * role's own status (the poller's {@code /poller/v1/status}).
     */
    public void json(RoutesConfig routes, String path, java.util.function.Supplier<?> body) {
        OnJavalin.json(this, routes, path, body);
    }

    /** Whether a request with this {@code Authorization} header (null: none) may use the routes; refusals counted. */
    boolean accepts(String authorization) {
        return token.accepts(authorization);
    }

    static void json(Exchange ex, java.util.function.Supplier<?> body) {
        ex.answer(200, "application/json", Json.bytes(body.get()));
    }

    void records(Exchange ex) throws IOException {
        long from = longParam(ex, "from", 0, "a sequence (a whole number, 0 or more)");
        long max = longParam(ex, "max", DEFAULT_MAX, "a whole number from 1 to " + MOST);
        if (max < 1 || max > MOST) {
            throw new IllegalArgumentException("max '" + max + "' is not a whole number from 1 to " + MOST);
        }
        if (ex.query("ack") != null) {
            // The downstream's acknowledgement of its last page, carried on this read: applied before reading.
            spool.ack(longParam(ex, "ack", 0, "a sequence (a whole number, 0 or more)"));
            acksOnRead.incrementAndGet();
        }
        List<SpoolRecord> records = spool.read(from, (int) max);
        ex.responseHeader(ACKS_ON_READ, "1");
        // Counted before the answer leaves: a reader that has its page sees it counted (the JDK's server hands the
        // body to the client before this thread goes on).
        served.addAndGet(records.size());
        lastReadMillis = System.currentTimeMillis();
        if (Pages.wantsV2(ex.requestHeader("Accept"))) {
            byte[] page = Pages.encode(records, spool.stats().dropped());
            servedV2.addAndGet(records.size());
            ex.answer(200, Pages.V2, page);
        } else {
            byte[] page = v1(records);
            servedV1.addAndGet(records.size());
            ex.answer(200, "application/json", page);
        }
        String readerTime = ex.requestHeader(TIME_HEADER);
        if (readerTime != null) {
            try {
                clockOffsetMillis = Long.parseLong(readerTime.strip()) - lastReadMillis;
                clockKnown = true;
            } catch (NumberFormatException e) {
                // a reader that sends no usable time tells nothing of it
            }
        }
    }

    /** A page of version 1, for a downstream older than the compact format: every record as JSON. */
    private static byte[] v1(List<SpoolRecord> records) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + records.size() * 512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("records");
            for (SpoolRecord r : records) {
                g.writeStartObject();
                g.writeNumberField("seq", r.sequence());
                g.writeNumberField("appended", r.appendedAtMillis());
                g.writeFieldName("batch");
                byte[] json = asJson(r.payload());
                String payload = new String(json, StandardCharsets.UTF_8);
                if (json != r.payload() || isOneJsonValue(json)) {
                    g.writeRawValue(payload);
                } else {
                    g.writeString(payload);
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /** A v2 record as JSON; anything else as it is (a v2 record that does not decode too: the client says why). */
    private static byte[] asJson(byte[] payload) {
        if (!RecordCodec.isV2(payload)) {
            return payload;
        }
        try {
            return RecordCodec.toV1(payload);
        } catch (IllegalArgumentException e) {
            return payload;
        }
    }

    private static boolean isOneJsonValue(byte[] payload) {
        try (JsonParser p = FACTORY.createParser(payload)) {
            if (p.nextToken() == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    void ack(Exchange ex) throws IOException {
        if (ex.query("upTo") == null) {
            throw new IllegalArgumentException("upTo is missing: POST " + ACK + "?upTo=<sequence>");
        }
        spool.ack(longParam(ex, "upTo", 0, "a sequence (a whole number, 0 or more)"));
        acksApart.incrementAndGet();
        ex.answer(204, null, null);
    }

    void stats(Exchange ex) {
        ex.answer(200, "application/json", Json.bytes(spool.stats()));
    }

    private static long longParam(Exchange ex, String name, long otherwise, String expected) {
        String value = ex.query(name);
        if (value == null) {
            return otherwise;
        }
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " '" + value + "' is not " + expected);
    }

    /** The Javalin side, a class of its own so that a server without Javalin (the poller's) never loads it. */
    private static final class OnJavalin {
        static void register(PullRoutes r, RoutesConfig routes) {
            routes.get(RECORDS, guarded(r, ctx -> r.records(exchange(ctx))));
            routes.post(ACK, guarded(r, ctx -> r.ack(exchange(ctx))));
            routes.get(STATS, guarded(r, ctx -> r.stats(exchange(ctx))));
        }

        static void json(PullRoutes r, RoutesConfig routes, String path, java.util.function.Supplier<?> body) {
            routes.get(path, guarded(r, ctx -> PullRoutes.json(exchange(ctx), body)));
        }

        private static Handler guarded(PullRoutes r, Handler handler) {
            return ctx -> {
                r.token.handle(ctx);
                handler.handle(ctx);
            };
        }

        private static Exchange exchange(Context ctx) {
            return new Exchange() {
                @Override
                public String query(String name) {
                    return ctx.queryParam(name);
                }

                @Override
                public String requestHeader(String name) {
                    return ctx.header(name);
                }

                @Override
                public void responseHeader(String name, String value) {
                    ctx.header(name, value);
                }

                @Override
                public void answer(int status, String contentType, byte[] body) {
                    ctx.status(status);
                    if (contentType != null) {
                        ctx.contentType(contentType);
                    }
                    if (body != null) {
                        ctx.result(body);
                    }
                }
            };
        }
    }

    /**
     * How far the last reader's clock was ahead of this one (negative: behind), in milliseconds, as its
     * {@link #TIME_HEADER} said at its last read of records (its travel time included); null before any reader
     * said.
     */
    public Long clockOffsetMillis() {
        return clockKnown ? clockOffsetMillis : null;
    }

    /** Records sent since start (a record sent twice counts twice). */
    public long recordsServed() {
        return served.get();
    }

    /** Records sent in pages of version 1 (JSON, to a downstream older than version 2) since start. */
    public long recordsServedV1() {
        return servedV1.get();
    }

    /** Records sent in pages of version 2 since start. */
    public long recordsServedV2() {
        return servedV2.get();
    }

    /** Acknowledgements received as a request of their own ({@code POST}) since start. */
    public long acksApart() {
        return acksApart.get();
    }

    /** Acknowledgements received with a read ({@code &ack=}) since start. */
    public long acksOnRead() {
        return acksOnRead.get();
    }

    /**
     * When a downstream last read records (with the right token), epoch milliseconds, 0 before the first read: a
     * poller watches it to tell that its collector stopped draining it.
     */
    public long lastReadMillis() {
        return lastReadMillis;
    }

    /** Requests refused for a missing or wrong token. */
    public long unauthorized() {
        return token.refused();
    }

    @Override
    public String toString() {
        return "PullRoutes{" + spool + ", token=" + (token.required() ? "set" : "none") + "}";
    }
}
