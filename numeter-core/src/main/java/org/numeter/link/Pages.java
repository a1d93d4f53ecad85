package org.numeter.link;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.BufferUnderflowException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.numeter.spool.SpoolRecord;

/**
 * The pull link's page of version 2 (docs/link.md): the records of a page back to back, each payload as the
 * upstream spool holds it, so that a hop forwards a page without decoding or re-encoding it.
 *
 * <pre>
 *   u32  "NMPG"   u8 version (2)   i64 dropped   u32 record count
 *   per record: i64 sequence, i64 appended (epoch ms), u32 length, the payload (a record of RecordCodec)
 * </pre>
 *
 * {@code dropped} is the upstream spool's count of records dropped for being full ({@code SpoolStats.dropped}),
 * so that a collector knows it without asking {@code /spool/v1/stats} after every drain.
 *
 * <p>A downstream asks for it with {@code Accept: application/vnd.numeter.page.v2}; an upstream that does not know it
 * answers JSON (version 1), which a downstream of this version reads too. All numbers are big-endian.
 */
public final class Pages {
    /** The media type of a version 2 page. */
    public static final String V2 = "application/vnd.numeter.page.v2";
    /** What a downstream of this version sends: version 2 preferred, JSON understood. */
    public static final String ACCEPT_BOTH = V2 + ", application/json;q=0.5";

    private static final int MAGIC = 0x4E4D5047; // "NMPG"
    private static final int HEAD = 17;
    private static final int RECORD_HEAD = 20;

    private Pages() {}

    /** Whether an {@code Accept} header asks for version 2 (an old downstream sends none, or JSON). */
    public static boolean wantsV2(String accept) {
        return accept != null && accept.toLowerCase(Locale.ROOT).contains(V2);
    }

    /** Whether a {@code Content-Type} says the answer is a version 2 page. */
    public static boolean isV2(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(V2);
    }

    /** A page and what its header says of the upstream spool. */
    record Page(List<SpoolRecord> records, long dropped) {}

    static byte[] encode(List<SpoolRecord> records, long dropped) {
        int size = HEAD;
        for (SpoolRecord r : records) {
            size += RECORD_HEAD + r.payload().length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).putInt(MAGIC).put((byte) 2).putLong(dropped)
                .putInt(records.size());
        for (SpoolRecord r : records) {
            out.putLong(r.sequence()).putLong(r.appendedAtMillis()).putInt(r.payload().length).put(r.payload());
        }
        return out.array();
    }

    /** The records of a version 2 page; {@code what} names the request in the message of a bad page. */
    static Page decode(byte[] page, String what) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(page);
        try {
            if (in.getInt() != MAGIC || in.get() != 2) {
                throw new IOException(what + ": answer is not a version 2 page (no NMPG mark)");
            }
            long dropped = in.getLong();
            int count = in.getInt();
            if (count < 0 || (long) count * RECORD_HEAD > in.remaining()) {
                throw new IOException(what + ": page of " + page.length + " bytes cannot hold " + count + " records");
            }
            List<SpoolRecord> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long sequence = in.getLong();
                long appended = in.getLong();
                int length = in.getInt();
                if (length < 0 || length > in.remaining()) {
                    throw new IOException(what + ": record " + sequence + " of " + length + " bytes is cut");
                }
                byte[] payload = new byte[length];
                in.get(payload);
                out.add(new SpoolRecord(sequence, appended, payload));
            }
            if (in.hasRemaining()) {
                throw new IOException(what + ": " + in.remaining() + " bytes after the last record of the page");
            }
            return new Page(out, dropped);
        } catch (BufferUnderflowException e) {
            throw new IOException(what + ": page of " + page.length + " bytes is cut", e);
        }
    }
}
