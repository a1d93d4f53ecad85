package org.numeter.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.numeter.spool.Spool;
import org.numeter.spool.SpoolRecord;
import org.numeter.spool.SpoolStats;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A spool in Redis, as the original kept its poller and collector queues: one Redis list of records, oldest at the
 * head, and a hash with the last sequence, the byte count and the drop count. Every operation is one Lua script,
 * so appenders and the reader see consistent sequences without locks in the JVM (docs/decisions.md, "Redis
 * spool").
 *
 * <p>Keys: {@code <prefix>:records} and {@code <prefix>:meta}. Durability is Redis's own: with
 * {@code appendonly yes} and {@code appendfsync everysec}, at most a second of appends can be lost when the Redis
 * server itself dies; a crash of this process loses nothing.
 */
public final class RedisSpool implements Spool {
    private static final Script APPEND = Script.load("append.lua");
    private static final Script READ = Script.load("read.lua");
    private static final Script ACK = Script.load("ack.lua");
    private static final Script STATS = Script.load("stats.lua");

    private final JedisPooled redis;
    private final boolean ownsClient;
    private final String prefix;
    private final List<byte[]> keys;
    private final long maxBytes;
    private final Clock clock;
    private final String where;
    private volatile boolean closed;

    /**
     * A spool on a shared client, which the caller closes. Many spools may share one client.
     *
     * @param prefix the keys' prefix, unique to this spool (e.g. {@code numeter:poller:web1})
     * @param maxBytes past this many bytes (records and their small headers), the oldest records are dropped and
     *     counted
     */
    public RedisSpool(JedisPooled redis, String prefix, long maxBytes, Clock clock) {
        this(redis, false, prefix, maxBytes, clock, "redis");
    }

    private RedisSpool(JedisPooled redis, boolean ownsClient, String prefix, long maxBytes, Clock clock,
            String where) {
        if (prefix == null || prefix.isBlank()) {
            throw new IllegalArgumentException("redis spool prefix '" + prefix + "' must not be empty");
        }
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("redis spool " + prefix + ": maxBytes " + maxBytes
                    + " must be positive");
        }
        this.redis = redis;
        this.ownsClient = ownsClient;
        this.prefix = prefix;
        this.keys = List.of(bytes(prefix + ":records"), bytes(prefix + ":meta"));
        this.maxBytes = maxBytes;
        this.clock = clock;
        this.where = where + " " + prefix;
    }

    /**
     * A spool with its own connection pool to the server at {@code uri} ({@code redis://[:password@]host:port[/db]}),
     * closed with the spool. No connection is made until the first operation.
     */
    public static RedisSpool open(URI uri, String prefix, long maxBytes) {
        String where = "redis " + uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort());
        return new RedisSpool(new JedisPooled(uri), true, prefix, maxBytes, Clock.systemUTC(), where);
    }

    /** The Redis keys this spool uses, for operators and for tests that clean up after themselves. */
    public List<String> keys() {
        return List.of(prefix + ":records", prefix + ":meta");
    }

    @Override
    public long append(byte[] payload) throws IOException {
        return appendAll(List.of(payload));
    }

    @Override
    public long appendAll(List<byte[]> payloads) throws IOException {
        ensureOpen();
        if (payloads.isEmpty()) {
            return stats().lastSequence();
        }
        List<byte[]> args = new ArrayList<>(payloads.size() + 2);
        args.add(bytes(Long.toString(maxBytes)));
        args.add(bytes(Long.toString(clock.millis())));
        args.addAll(payloads);
        return (Long) run("append", APPEND, args);
    }

    @Override
    public List<SpoolRecord> read(long from, int max) throws IOException {
        ensureOpen();
        if (max <= 0) {
            throw new IllegalArgumentException("max " + max + " must be positive");
        }
        List<?> raw = (List<?>) run("read", READ, List.of(bytes(Long.toString(Math.max(0, from))),
                bytes(Integer.toString(max))));
        List<SpoolRecord> out = new ArrayList<>(raw.size());
        long expected = -1;
        for (Object o : raw) {
            SpoolRecord r = decode((byte[]) o);
            if (expected >= 0 && r.sequence() != expected) {
                throw new IOException(where + ": record " + r.sequence() + " follows " + (expected - 1)
                        + "; the list was changed by something other than this spool");
            }
            expected = r.sequence() + 1;
            out.add(r);
        }
        return out;
    }

    @Override
    public void ack(long upTo) throws IOException {
        ensureOpen();
        run("ack", ACK, List.of(bytes(Long.toString(upTo))));
    }

    @Override
    public SpoolStats stats() {
        ensureOpen();
        try {
            List<?> s = (List<?>) run("stats", STATS, List.of());
            byte[] header = (byte[]) s.get(4);
            long oldest = header.length == 0 ? 0 : decode(header, false).appendedAtMillis();
            return new SpoolStats((Long) s.get(0), (Long) s.get(1), oldest, (Long) s.get(2), (Long) s.get(3), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        if (ownsClient) {
            redis.close();
        }
    }

    private Object run(String operation, Script script, List<byte[]> args) throws IOException {
        try {
            try {
                return redis.evalsha(script.sha1, keys, args);
            } catch (JedisNoScriptException e) {
                // First use on this server, or after SCRIPT FLUSH: EVAL also caches it for the next EVALSHA.
                return redis.eval(script.body, keys, args);
            }
        } catch (JedisException e) {
            throw new IOException(where + ": " + operation + " failed: " + e.getMessage(), e);
        }
    }

    private SpoolRecord decode(byte[] record) throws IOException {
        return decode(record, true);
    }

    /** Reads {@code "<sequence> <appendedMillis> <payload>"}; the header is ASCII digits. */
    private SpoolRecord decode(byte[] record, boolean withPayload) throws IOException {
        int first = indexOf(record, 0);
        int second = first < 0 ? -1 : indexOf(record, first + 1);
        if (second < 0) {
            throw new IOException(where + ": record '" + abbreviate(record) + "' has no sequence and time header");
        }
        try {
            long sequence = Long.parseLong(new String(record, 0, first, StandardCharsets.US_ASCII));
            long appended = Long.parseLong(new String(record, first + 1, second - first - 1,
                    StandardCharsets.US_ASCII));
            byte[] payload = withPayload
                    ? Arrays.copyOfRange(record, second + 1, record.length) : new byte[0];
            return new SpoolRecord(sequence, appended, payload);
        } catch (NumberFormatException e) {
            throw new IOException(where + ": record '" + abbreviate(record) + "' has a bad header", e);
        }
    }

    private static int indexOf(byte[] record, int from) {
        for (int i = from; i < Math.min(record.length, from + 24); i++) {
            if (record[i] == ' ') {
                return i;
            }
        }
        return -1;
    }

    private static String abbreviate(byte[] record) {
        String text = new String(record, 0, Math.min(record.length, 40), StandardCharsets.UTF_8);
        return record.length > 40 ? text + "..." : text;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(where + " is closed");
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "RedisSpool{" + where + ", maxBytes=" + maxBytes + "}";
    }

    /** A Lua script read from the classpath, with the SHA-1 Redis knows it by. */
    private record Script(byte[] body, byte[] sha1) {
        static Script load(String name) {
            String missing = "redis spool script " + name + " cannot be read from the classpath";
            try (InputStream in = RedisSpool.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException(missing);
                }
                byte[] body = in.readAllBytes();
                String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body));
                return new Script(body, bytes(hex));
            } catch (IOException | NoSuchAlgorithmException e) {
                throw new IllegalStateException(missing, e);
            }
        }
    }
}
