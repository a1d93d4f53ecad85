package org.numeter.graph;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
    private static final ThreadLocal<Deflater> DEFLATER = ThreadLocal.withInitial(() -> new Deflater(LEVEL));

    private PngEncoder() {}

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
        Palette palette = new Palette();
        byte[] raw = new byte[(width + 1) * height];
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
            raw = new byte[(3 * width + 1) * height];
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
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + raw.length / 8);
        out.writeBytes(SIGNATURE);
        byte[] header = new byte[13];
        putInt(header, 0, width);
        putInt(header, 4, height);
        header[8] = 8; // bits a sample (or an index)
        header[9] = (byte) (indexed ? 3 : 2); // colour type: palette, or RGB
        chunk(out, "IHDR", header, header.length);
        if (indexed) {
            byte[] plte = palette.bytes();
            chunk(out, "PLTE", plte, plte.length);
        }
        Deflater deflater = DEFLATER.get();
        deflater.reset();
        deflater.setInput(raw);
        deflater.finish();
        byte[] idat = new byte[Math.max(64, raw.length / 4)];
        int length = 0;
        while (!deflater.finished()) {
            if (length == idat.length) {
                idat = Arrays.copyOf(idat, idat.length * 2);
            }
            length += deflater.deflate(idat, length, idat.length - length);
        }
        chunk(out, "IDAT", idat, length);
        chunk(out, "IEND", new byte[0], 0);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data, int length) {
        byte[] head = new byte[8];
        putInt(head, 0, length);
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, head, 4, 4);
        out.write(head, 0, 8);
        out.write(data, 0, length);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data, 0, length);
        byte[] tail = new byte[4];
        putInt(tail, 0, (int) crc.getValue());
        out.write(tail, 0, 4);
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
