package org.numeter.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngEncoderTest {

    static BufferedImage decode(byte[] png) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(png));
    }

    static void assertSamePixels(BufferedImage image, int[] pixels, int offset, int stride) {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                assertThat(image.getRGB(x, y) & 0xFFFFFF).as("pixel %d,%d", x, y)
                        .isEqualTo(pixels[offset + y * stride + x] & 0xFFFFFF);
            }
        }
    }

    /** A graph's few colours: an indexed PNG that ImageIO reads back pixel for pixel, the top byte ignored. */
    @Test
    void fewColoursMakeAnIndexedPngOfTheSamePixels() throws IOException {
        int width = 37;
        int height = 11;
        int[] pixels = new int[width * height];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (i % 7 == 0 ? 0xFF000000 : 0) | (i / 13 % 200) * 0x010203;
        }
        byte[] png = PngEncoder.encode(pixels, 0, width, width, height);
        BufferedImage image = decode(png);
        assertThat(image.getWidth()).isEqualTo(width);
        assertThat(image.getHeight()).isEqualTo(height);
        assertThat(image.getColorModel()).isInstanceOf(IndexColorModel.class);
        assertSamePixels(image, pixels, 0, width);
        assertThat(PngEncoder.encode(pixels.clone(), 0, width, width, height)).as("same pixels, same bytes")
                .isEqualTo(png);
    }

    /** Past 256 colours, RGB; a part of a larger raster is read at its offset and stride. */
    @Test
    void manyColoursMakeAnRgbPngAndARegionIsReadAtItsStride() throws IOException {
        int stride = 300;
        int[] pixels = new int[stride * 40];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = i * 2_654_435 & 0xFFFFFF;
        }
        int offset = 5 * stride + 3;
        byte[] png = PngEncoder.encode(pixels, offset, stride, 290, 30);
        BufferedImage image = decode(png);
        assertThat(image.getColorModel()).isNotInstanceOf(IndexColorModel.class);
        assertThat(image.getWidth()).isEqualTo(290);
        assertThat(image.getHeight()).isEqualTo(30);
        assertSamePixels(image, pixels, offset, stride);
    }

    @Test
    void refusesARegionOutsideThePixels() {
        assertThatThrownBy(() -> PngEncoder.encode(new int[100], 0, 10, 10, 11))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a 10x11 image at offset 0, stride 10 does not fit in 100 pixels");
        assertThatThrownBy(() -> PngEncoder.encode(new int[100], 0, 10, 0, 10))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
