package org.numeter.spool;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The bytes of a segment file. A segment starts with an 8-byte header (magic {@code NMSP}, format version), then
 * holds records back to back, each:
 *
 * <pre>
 *   int   length           payload bytes
 *   int   crc32c           over length, sequence, appendedAtMillis and payload
 *   long  sequence
 *   long  appendedAtMillis
 *   byte[length] payload
 * </pre>
 *
 * All numbers are big-endian. A record is valid only when its length is sane, all its bytes are there and its
 * checksum matches, so a write torn by a crash is recognised and cut off when the spool is opened again.
 */
final class RecordFormat {
    static final int MAGIC = 0x4E4D5350; // "NMSP"
    static final int VERSION = 1;
    static final int SEGMENT_HEADER = 8;
    static final int RECORD_HEADER = 24;
    /** The largest payload accepted; a larger length read from disk can only be corruption. */
    static final int MAX_PAYLOAD = 64 << 20;

    private RecordFormat() {}

    static ByteBuffer segmentHeader() {
        return ByteBuffer.allocate(SEGMENT_HEADER).putInt(MAGIC).putInt(VERSION).flip();
    }

    static int recordSize(byte[] payload) {
        return RECORD_HEADER + payload.length;
    }

    static void requireSize(byte[] payload) {
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException(
                    "payload of " + payload.length + " bytes is larger than the largest record, " + MAX_PAYLOAD);
        }
    }

    /** Encodes consecutive records, the first with sequence {@code firstSequence}, into one buffer. */
    static ByteBuffer encode(List<byte[]> payloads, long firstSequence, long appendedAtMillis) {
        long size = 0;
        for (byte[] p : payloads) {
            size += recordSize(p);
        }
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(size));
        long sequence = firstSequence;
        for (byte[] p : payloads) {
            int start = buf.position();
            buf.putInt(p.length).putInt(0).putLong(sequence++).putLong(appendedAtMillis).put(p);
            buf.putInt(start + 4, checksum(buf.array(), start, p.length));
        }
        return buf.flip();
    }

    /** The checksum of the record whose header starts at {@code start} in {@code bytes}. */
    static int checksum(byte[] bytes, int start, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, start, 4);
        crc.update(bytes, start + 8, RECORD_HEADER - 8 + length);
        return (int) crc.getValue();
    }

    static boolean saneLength(int length) {
        return length >= 0 && length <= MAX_PAYLOAD;
    }
}
