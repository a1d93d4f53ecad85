package org.numeter.graph;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A PNG of 0xRRGGBB pixels, written in one pass: an indexed image (one byte a pixel, PLTE in the order colours first
 * appear) when there are at most 256 colours, as a graph drawn without antialiasing has (57 in CompareBench's), else
 * 8-bit RGB; no row filter (a graph is long runs of one colour, which deflate takes as they are), one IDAT, deflate
 * at {@link #LEVEL}. ImageIO's writer, which rrd4j uses, tries every filter on every row of 32-bit pixels and
 * deflates at level 4. The bytes depend only on the pixels.
 */
public final class PngEncoder {
    /**
     * Deflate's level. For CompareBench's 800x300 graph: level 1 0.5 ms and 12 KB, 3 0.8 ms and 10 KB, 6 2.1 ms
     * and 7 KB, 9 16 ms and 6 KB; the whole encoding at level 1 1.1 ms and 13 KB, where ImageIO's takes 5.0 ms for
     * 19 KB (docs/benchmarks.md, "Query and PNG").
     */
    static final int LEVEL = 1;
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    /** Scratch kept for the next encodings: a few, whichever threads encode (a deflater holds native memory). */
    private static final BlockingQueue<Scratch> SCRATCH = new ArrayBlockingQueue<>(4);

    private PngEncoder() {}

    /** A deflater and the buffers of one encoding, used by one thread at a time. */
    private static final class Scratch {
        final Deflater deflater = new Deflater(LEVEL);
        byte[] raw = new byte[0];
        byte[] deflated = new byte[0];
    }

    /**
     * The PNG of {@code width × height} pixels of {@code pixels}, row after row from {@code offset}, {@code stride}
     * apart (a {@code TYPE_INT_RGB} raster's own array); the top byte of each pixel is ignored.
     */
    public static byte[] encode(int[] pixels, int offset, int stride, int width, int height) {
        if (width <= 0 || height <= 0 || offset < 0 || stride < width
                || (long) offset + (long) (height - 1) * stride + width > pixels.length) {
            throw new IllegalArgumentException("a " + width + "x" + height + " image at offset " + offset + ", stride "
                    + stride + " does not fit in " + pixels.length + " pixels");
        }
        Scratch scratch = SCRATCH.poll();
        if (scratch == null) {
            scratch = new Scratch();
        }
        try {
            return encode(pixels, offset, stride, width, height, scratch);
        } finally {
            if (!SCRATCH.offer(scratch)) {
                scratch.deflater.end();
            }
        }
    }

    private static byte[] encode(int[] pixels, int offset, int stride, int width, int height, Scratch scratch) {
        Palette palette = new Palette();
        int length = (width + 1) * height;
        byte[] raw = scratch.raw.length >= length ? scratch.raw : (scratch.raw = new byte[length]);
        boolean indexed = true;
        int at = 0;
        for (int y = 0; y < height && indexed; y++) {
            raw[at++] = 0; // filter: none
            int row = offset + y * stride;
            if (y > 0 && Arrays.equals(pixels, row, row + width, pixels, row - stride, row - stride + width)) {
                // a row like the one above (margins, the legend's gaps): its indices again, in bulk
                System.arraycopy(raw, at - width - 1, raw, at, width);
                at += width;
                continue;
            }
            int last = ~pixels[row] & 0xFFFFFF;
            byte index = 0;
            for (int x = 0; x < width; x++) {
                int rgb = pixels[row + x] & 0xFFFFFF;
                if (rgb != last) {
                    int i = palette.indexOf(rgb);
                    if (i < 0) {
                        indexed = false;
                        break;
                    }
                    index = (byte) i;
                    last = rgb;
                }
                raw[at++] = index;
            }
        }
        if (!indexed) {
            length = (3 * width + 1) * height;
            raw = scratch.raw.length >= length ? scratch.raw : (scratch.raw = new byte[length]);
            at = 0;
            for (int y = 0; y < height; y++) {
                raw[at++] = 0;
                int row = offset + y * stride;
                for (int x = 0; x < width; x++) {
                    int rgb = pixels[row + x];
                    raw[at++] = (byte) (rgb >>> 16);
                    raw[at++] = (byte) (rgb >>> 8);
                    raw[at++] = (byte) rgb;
                }
            }
        }
        Deflater deflater = scratch.deflater;
        deflater.reset();
        deflater.setInput(raw, 0, length);
        deflater.finish();
        byte[] idat = scratch.deflated.length > 0 ? scratch.deflated : new byte[Math.max(64, length / 8)];
        int deflated = 0;
        while (!deflater.finished()) {
            if (deflated == idat.length) {
                idat = Arrays.copyOf(idat, idat.length * 2);
            }
            deflated += deflater.deflate(idat, deflated, idat.length - deflated);
        }
        scratch.deflated = idat;

        byte[] plte = indexed ? palette.bytes() : null;
        byte[] header = new byte[13];
        putInt(header, 0, width);
        putInt(header, 4, height);
        header[8] = 8; // bits a sample (or an index)
        header[9] = (byte) (indexed ? 3 : 2); // colour type: palette, or RGB
        byte[] out = new byte[SIGNATURE.length + 12 + header.length + (indexed ? 12 + plte.length : 0) + 12 + deflated
                + 12];
        System.arraycopy(SIGNATURE, 0, out, 0, SIGNATURE.length);
        int end = chunk(out, SIGNATURE.length, "IHDR", header, header.length);
        if (indexed) {
            end = chunk(out, end, "PLTE", plte, plte.length);
        }
        end = chunk(out, end, "IDAT", idat, deflated);
        chunk(out, end, "IEND", new byte[0], 0);
        return out;
    }

    /** Writes a chunk (length, type, data, CRC) at {@code at}; where the next one starts. */
    private static int chunk(byte[] out, int at, String type, byte[] data, int length) {
        putInt(out, at, length);
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, out, at + 4, 4);
        System.arraycopy(data, 0, out, at + 8, length);
        CRC32 crc = new CRC32();
        crc.update(out, at + 4, 4 + length);
        putInt(out, at + 8 + length, (int) crc.getValue());
        return at + 12 + length;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    /** Up to 256 colours, each with its index in the order first seen: open addressing over 512 slots. */
    private static final class Palette {
        private final int[] keys = new int[512];
        private final short[] slots = new short[512];
        private final int[] colours = new int[256];
        private int size;

        Palette() {
            Arrays.fill(slots, (short) -1);
        }

        /** The colour's index, a new one if it is new, or -1 when the palette is full. */
        int indexOf(int rgb) {
            int h = (rgb * 0x9E3779B1) >>> 23;
            while (slots[h] >= 0) {
                if (keys[h] == rgb) {
                    return slots[h];
                }
                h = (h + 1) & 511;
            }
            if (size == 256) {
                return -1;
            }
            keys[h] = rgb;
            slots[h] = (short) size;
            colours[size] = rgb;
            return size++;
        }

        byte[] bytes() {
            byte[] out = new byte[3 * size];
            for (int i = 0; i < size; i++) {
                out[3 * i] = (byte) (colours[i] >>> 16);
                out[3 * i + 1] = (byte) (colours[i] >>> 8);
                out[3 * i + 2] = (byte) colours[i];
            }
            return out;
        }
    }
}
