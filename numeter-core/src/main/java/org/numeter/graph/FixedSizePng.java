package org.numeter.graph;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * A graph PNG of exactly the asked size, from a drawer that sizes its plot area, not its image (rrd4j): the storage's
 * and the web's PNGs both come through here. It draws once, takes the margins the drawer added (axes, title,
 * legend) off the asked size and draws again; margins move a little with the plot's size, hence a few tries, and
 * whatever is left is cut or padded on white. A legend that would leave the plot under a third of the image is left
 * out.
 */
public final class FixedSizePng {
    /** The smallest plot area drawn; a smaller image is cut from a graph of this plot size. */
    private static final int MIN_PLOT = 10;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** One drawing: the image's size and its PNG bytes. */
    public record Drawn(int width, int height, byte[] png) {}

    /** Draws with a plot area of this size, with or without the legend. */
    @FunctionalInterface
    public interface Drawer {
        Drawn draw(int plotWidth, int plotHeight, boolean legend) throws IOException;
    }

    private FixedSizePng() {}

    public static byte[] render(Drawer drawer, int width, int height, boolean legend) throws IOException {
        int plotWidth = width;
        int plotHeight = height;
        boolean withLegend = legend;
        Drawn drawn = null;
        for (int attempt = 0; attempt < 4; attempt++) {
            drawn = drawer.draw(plotWidth, plotHeight, withLegend);
            int dx = width - drawn.width();
            int dy = height - drawn.height();
            if (dx == 0 && dy == 0) {
                return drawn.png();
            }
            int nextWidth = Math.max(MIN_PLOT, plotWidth + dx);
            int nextHeight = Math.max(MIN_PLOT, plotHeight + dy);
            if (withLegend && plotHeight + dy < height / 3) {
                withLegend = false;
                nextWidth = width;
                nextHeight = height;
            } else if (nextWidth == plotWidth && nextHeight == plotHeight) {
                break;
            }
            plotWidth = nextWidth;
            plotHeight = nextHeight;
        }
        return fit(drawn.png(), width, height);
    }

    /** The image on a white canvas of exactly the asked size, its top left corner kept. */
    private static byte[] fit(byte[] png, int width, int height) throws IOException {
        BufferedImage drawn = ImageIO.read(new ByteArrayInputStream(png));
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.drawImage(drawn, 0, 0, null);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(out, "png", bytes);
        return bytes.toByteArray();
    }
}
