package org.numeter.web;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** Reads a PNG's size from its header, and refuses anything that is not a PNG. */
final class Png {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private Png() {}

    /** {width, height}. */
    static int[] size(byte[] png) {
        if (png.length < 24 || !Arrays.equals(Arrays.copyOf(png, 8), SIGNATURE)) {
            throw new AssertionError("not a PNG: " + png.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(png, 16, 8);
        return new int[] {b.getInt(), b.getInt()};
    }
}
