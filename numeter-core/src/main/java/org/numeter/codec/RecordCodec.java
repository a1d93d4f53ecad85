package org.numeter.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;

/**
 * The bytes of one spool record, in either of the two record formats (docs/link.md):
 *
 * <ul>
 *   <li><b>v1</b>, JSON, what {@link BatchCodec} writes: what every earlier version wrote and reads.
 *   <li><b>v2</b>, compact, what this version writes: an envelope first (host, plugin, time, how many values),
 *       then the values, then the plugin's metadata only when the poller saw it change.
 * </ul>
 *
 * <pre>
 *   u8     0xB2                 format mark (a JSON text never starts with it)
 *   u8     flags                bit 0: metadata follows the values
 *   i64    time                 epoch seconds
 *   u16    value count
 *   u8+    host                 length, then ASCII
 *   u8+    plugin               length, then ASCII
 *   ---- the envelope ends here ----
 *   per value: u8+ field name, f64 value (NaN: unknown)
 *   rest   metadata, as BatchCodec's JSON, when flag bit 0 is set
 * </pre>
 *
 * All numbers are big-endian. A hop that only forwards reads the envelope with {@link #envelope}, which checks the
 * whole record's framing and names without building anything, so a bad record still stops at the first hop that
 * sees it; the storage, which writes the values, decodes them with {@link #decode}. Either format is read
 * wherever a record is read, so that spools holding both (written before and after an upgrade) drain.
 */
public final class RecordCodec {
    /** The first byte of a v2 record. */
    public static final byte V2 = (byte) 0xB2;

    private static final int FLAG_META = 1;
    private static final int HEAD = 12; // mark, flags, time, value count
    private static final int MAX_VALUES = 0xFFFF;

    private RecordCodec() {}

    /** A record of the current format (v2). */
    public static byte[] encode(SampleBatch batch) {
        byte[] host = ascii(batch.host());
        byte[] plugin = ascii(batch.plugin());
        Map<String, Double> values = batch.values();
        if (values.size() > MAX_VALUES) {
            throw new IllegalArgumentException("host " + batch.host() + ", plugin " + batch.plugin() + ": "
                    + values.size() + " values, more than the " + MAX_VALUES + " a record holds");
        }
        byte[][] names = new byte[values.size()][];
        int size = HEAD + 2 + host.length + plugin.length;
        int i = 0;
        for (String name : values.keySet()) {
            names[i] = ascii(name);
            size += 1 + names[i].length + 8;
            i++;
        }
        byte[] meta = batch.meta() == null ? null : BatchCodec.encode(batch.meta());
        if (meta != null) {
            size += meta.length;
        }
        byte[] out = new byte[size];
        out[0] = V2;
        out[1] = (byte) (meta == null ? 0 : FLAG_META);
        putLong(out, 2, batch.timestamp());
        out[10] = (byte) (values.size() >>> 8);
        out[11] = (byte) values.size();
        int at = putName(out, HEAD, host);
        at = putName(out, at, plugin);
        i = 0;
        for (double v : values.values()) {
            at = putName(out, at, names[i++]);
            putLong(out, at, Double.doubleToRawLongBits(v));
            at += 8;
        }
        if (meta != null) {
            System.arraycopy(meta, 0, out, at, meta.length);
        }
        return out;
    }

    /** Whether a record is of format v2 (else it is taken for v1, JSON). */
    public static boolean isV2(byte[] record) {
        return record.length > 0 && record[0] == V2;
    }

    /** The batch a record holds, whichever its format; everything is checked. */
    public static SampleBatch decode(byte[] record) {
        if (!isV2(record)) {
            return BatchCodec.decodeBatch(record);
        }
        Envelope e = read(record, false);
        Map<String, Double> values = new LinkedHashMap<>(Math.max(4, e.values() * 2));
        int at = e.valuesAt();
        for (int i = 0; i < e.values(); i++) {
            int length = record[at] & 0xFF;
            String name = new String(record, at + 1, length, StandardCharsets.ISO_8859_1);
            at += 1 + length;
            if (values.put(name, Double.longBitsToDouble(getLong(record, at))) != null) {
                throw new CodecException(e.where() + ": field " + name + " appears twice");
            }
            at += 8;
        }
        Plugin meta = e.metaAt() < 0 ? null : metadata(record, e);
        try {
            return new SampleBatch(e.host(), e.plugin(), e.time(), values, meta);
        } catch (IllegalArgumentException ex) {
            throw new CodecException(ex.getMessage(), ex);
        }
    }

    /**
     * The envelope of a record, whichever its format. For v2 it is read without decoding the values: the framing
     * and every name are checked, the values' bits too (none infinite), and metadata, when there is some, is
     * decoded to check it (it travels only when it changes). A v1 record is decoded in full.
     */
    public static Envelope envelope(byte[] record) {
        if (!isV2(record)) {
            SampleBatch b = BatchCodec.decodeBatch(record);
            return new Envelope(b.host(), b.plugin(), b.timestamp(), b.values().size(), -1, -1);
        }
        return read(record, true);
    }

    private static Envelope read(byte[] record, boolean checkMeta) {
        if (record.length < HEAD + 2) {
            throw new CodecException("v2 record of " + record.length + " bytes is shorter than its envelope");
        }
        int flags = record[1];
        if ((flags & ~FLAG_META) != 0) {
            throw new CodecException("v2 record: unknown flags " + Integer.toBinaryString(flags & 0xFF));
        }
        long time = getLong(record, 2);
        int count = ((record[10] & 0xFF) << 8) | (record[11] & 0xFF);
        int at = HEAD;
        int hostLength = nameLength(record, at, "host");
        String host = new String(record, at + 1, hostLength, StandardCharsets.ISO_8859_1);
        if (!hostName(record, at + 1, hostLength)) {
            throw new CodecException("v2 record: host '" + BatchCodec.abbreviate(host) + "' is not a valid host name");
        }
        at += 1 + hostLength;
        int pluginLength = nameLength(record, at, "plugin of host " + host);
        String plugin = new String(record, at + 1, pluginLength, StandardCharsets.ISO_8859_1);
        String where = "host " + host + ", plugin " + BatchCodec.abbreviate(plugin);
        if (!pluginName(record, at + 1, pluginLength)) {
            throw new CodecException(where + ": not a valid plugin name");
        }
        at += 1 + pluginLength;
        if (time <= 0) {
            throw new CodecException(where + ": time " + time + " is not a positive epoch second");
        }
        int valuesAt = at;
        for (int i = 0; i < count; i++) {
            int length = nameLength(record, at, where + ", field");
            if (!fieldName(record, at + 1, length)) {
                throw new CodecException(where + ": field '" + BatchCodec.abbreviate(
                        new String(record, at + 1, length, StandardCharsets.ISO_8859_1)) + "' is not a valid field name");
            }
            at += 1 + length;
            if (at + 8 > record.length) {
                throw new CodecException(where + ": record ends inside value " + (i + 1) + " of " + count);
            }
            if (Double.isInfinite(Double.longBitsToDouble(getLong(record, at)))) {
                throw new CodecException(where + ": value " + (i + 1) + " is infinite");
            }
            at += 8;
        }
        int metaAt = -1;
        if ((flags & FLAG_META) != 0) {
            if (at == record.length) {
                throw new CodecException(where + ": metadata flagged but absent");
            }
            metaAt = at;
        } else if (at != record.length) {
            throw new CodecException(where + ": " + (record.length - at) + " bytes after the last value");
        }
        Envelope e = new Envelope(host, plugin, time, count, valuesAt, metaAt);
        if (checkMeta && metaAt >= 0) {
            metadata(record, e);
        }
        return e;
    }

    /** A record as v1 JSON, for a peer that reads only that; a v1 record is returned as it is. */
    public static byte[] toV1(byte[] record) {
        return isV2(record) ? BatchCodec.encode(decode(record)) : record;
    }

    private static Plugin metadata(byte[] record, Envelope e) {
        Plugin meta = BatchCodec.decodePlugin(Arrays.copyOfRange(record, e.metaAt(), record.length));
        if (!meta.name().equals(e.plugin())) {
            throw new CodecException(e.where() + ": metadata is for plugin '" + meta.name() + "'");
        }
        return meta;
    }

    /**
     * What a hop that forwards needs to know of a record.
     *
     * @param values how many values (points) it holds
     * @param valuesAt where its values start (v2), -1 for v1
     * @param metaAt where its metadata starts (v2), -1 when it has none or is v1
     */
    public record Envelope(String host, String plugin, long time, int values, int valuesAt, int metaAt) {
        String where() {
            return "host " + host + ", plugin " + plugin;
        }
    }

    private static int nameLength(byte[] record, int at, String what) {
        if (at >= record.length) {
            throw new CodecException("v2 record ends before its " + what + " name");
        }
        int length = record[at] & 0xFF;
        if (length == 0 || at + 1 + length > record.length) {
            throw new CodecException("v2 record: " + what + " name of " + length + " bytes is empty or cut");
        }
        return length;
    }

    // The rules of Names, on bytes, so that a forwarding hop checks a record without building strings or matching
    // patterns; Names stays the one statement of them, and decode() checks through it again.
    private static boolean hostName(byte[] b, int from, int length) {
        return length <= 253 && alnum(b[from]) && dotted(b, from, length);
    }

    private static boolean pluginName(byte[] b, int from, int length) {
        return length <= 200 && (alnum(b[from]) || b[from] == '_') && dotted(b, from, length);
    }

    private static boolean dotted(byte[] b, int from, int length) {
        for (int i = from; i < from + length; i++) {
            byte c = b[i];
            if (!(alnum(c) || c == '_' || c == '-' || c == '.') || (c == '.' && i > from && b[i - 1] == '.')) {
                return false;
            }
        }
        return true;
    }

    private static boolean fieldName(byte[] b, int from, int length) {
        if (length > 200 || !(letter(b[from]) || b[from] == '_')) {
            return false;
        }
        for (int i = from + 1; i < from + length; i++) {
            if (!(alnum(b[i]) || b[i] == '_')) {
                return false;
            }
        }
        return true;
    }

    private static boolean letter(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean alnum(byte c) {
        return letter(c) || (c >= '0' && c <= '9');
    }

    private static byte[] ascii(String name) {
        // names are ASCII by the rules of Names, which the model checked
        return name.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static int putName(byte[] out, int at, byte[] name) {
        out[at] = (byte) name.length;
        System.arraycopy(name, 0, out, at + 1, name.length);
        return at + 1 + name.length;
    }

    static void putLong(byte[] out, int at, long v) {
        for (int i = 7; i >= 0; i--) {
            out[at + i] = (byte) v;
            v >>>= 8;
        }
    }

    static long getLong(byte[] in, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (in[at + i] & 0xFF);
        }
        return v;
    }
}
