package org.numeter.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** New files made in place: whole when done, recognisably unfinished before, never over another file. */
class RrdFilesTest {
    @TempDir
    Path dir;

    private static ByteBuffer[] parts(byte[] content, int... cuts) {
        ByteBuffer[] out = new ByteBuffer[cuts.length + 1];
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : content.length;
            out[i] = ByteBuffer.wrap(content, from, to - from).slice();
            from = to;
        }
        return out;
    }

    private static byte[] content(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    @Test
    void makesTheWholeFileFromItsPartsAndItIsNotUnfinished() throws Exception {
        byte[] content = content(100_000);
        Path f = dir.resolve("a.rrd");
        RrdFiles.createNew(f, parts(content, 64, 70, 5_000));
        assertThat(Files.readAllBytes(f)).isEqualTo(content);
        assertThat(RrdFiles.unfinished(f)).isFalse();
    }

    @Test
    void neverWritesOverAFileThatExists() throws Exception {
        Path f = dir.resolve("a.rrd");
        Files.write(f, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> RrdFiles.createNew(f, parts(content(1000), 100)))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readAllBytes(f)).containsExactly(1, 2, 3);
    }

    @Test
    void anEmptyFileOrOneThatBeginsWithTheUnfinishedSignatureIsUnfinished() throws Exception {
        byte[] signature = new byte[RrdFiles.UNFINISHED.remaining()];
        RrdFiles.UNFINISHED.duplicate().get(signature);
        Path empty = Files.write(dir.resolve("empty.rrd"), new byte[0]);
        Path cutInSignature = Files.write(dir.resolve("cut.rrd"), Arrays.copyOf(signature, 7));
        byte[] rest = content(5000);
        System.arraycopy(signature, 0, rest, 0, signature.length);
        Path unsigned = Files.write(dir.resolve("unsigned.rrd"), rest);
        Path other = Files.write(dir.resolve("other.rrd"), content(5000));
        Path short1 = Files.write(dir.resolve("short.rrd"), new byte[] {'R'});

        assertThat(RrdFiles.unfinished(empty)).isTrue();
        assertThat(RrdFiles.unfinished(cutInSignature)).isTrue();
        assertThat(RrdFiles.unfinished(unsigned)).isTrue();
        assertThat(RrdFiles.unfinished(other)).isFalse();
        assertThat(RrdFiles.unfinished(short1)).isFalse();
    }
}
