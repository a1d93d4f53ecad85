package org.numeter.graph;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.rrd4j.graph.ImageWorker;
import org.rrd4j.graph.RrdGraph;
import org.rrd4j.graph.RrdGraphDef;

/**
 * A graph PNG of exactly the asked size, from an rrd4j graph definition that sizes its plot area, not its image: the
 * storage's and the web's PNGs both come through here. The margins (axes, title, legend) are rrd4j's own: a probe
 * runs rrd4j's layout and stops before anything is drawn, when rrd4j asks for an image of its size; the plot is then
 * sized so that plot and margins make the asked size. The size found is kept for the next graph of the same shape,
 * so that a graph is usually laid out, drawn and encoded once ({@link PngEncoder}); a kept size that no longer fits
 * is found again.
 *
 * <p>A legend that would leave the plot under a third of the image is laid out in columns, two, three or four as the
 * width allows; only when no number of columns leaves a third is it left out. Whatever does not fit at the smallest
 * plot is cut, or padded on white.
 */
public final class FixedSizePng {
    /** The smallest plot area drawn; a smaller image is cut from a graph of this plot size. */
    private static final int MIN_PLOT = 10;
    /** The most legend columns tried. */
    static final int MAX_COLUMNS = 4;
    /** Layouts kept, by shape; the eldest goes first. */
    private static final int KEPT = 4096;
    private static final Map<Key, Layout> LAYOUTS = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Layout> eldest) {
            return size() > KEPT;
        }
    };

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** A graph definition for a plot area of this size, with its legend in this many columns (0: no legend). */
    @FunctionalInterface
    public interface Drawer {
        RrdGraphDef define(int plotWidth, int plotHeight, int legendColumns);
    }

    /**
     * How a graph was laid out: the plot's size and the legend's columns (0: no legend).
     *
     * @param exact whether plot and margins make the asked size (else the image is cut or padded)
     */
    public record Layout(int plotWidth, int plotHeight, int columns, boolean exact) {}

    /** A text as drawn: what, where its baseline starts, and in which font. */
    public record Text(String text, int x, int y, Font font) {}

    /** A drawn graph: its PNG, its layout, and every text drawn in it (title, axes, legend). */
    public record Png(byte[] bytes, Layout layout, List<Text> texts) {}

    /** The layouts kept for shapes already drawn: the same shape at the same size, with or without legend. */
    private record Key(Object shape, int width, int height, boolean legend) {}

    private FixedSizePng() {}

    /**
     * Draws a graph of {@code width × height} pixels.
     *
     * @param shape what decides the margins besides the size (title, labels, legend entries: the graph's metadata),
     *     for the layout kept between two graphs; a kept layout is checked before it is used, and the bytes of a graph
     *     depend on what it shows, not on the graphs drawn before it, as long as a shape keeps its number of legend
     *     lines (a legend value wide enough to wrap its line would change that)
     */
    public static Png render(Object shape, Drawer drawer, int width, int height, boolean legend)
            throws IOException {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("a graph of " + width + "x" + height + " pixels cannot be drawn");
        }
        Key key = new Key(shape, width, height, legend);
        Layout kept;
        synchronized (LAYOUTS) {
            kept = LAYOUTS.get(key);
        }
        if (kept != null) {
            Canvas canvas = new Canvas(width, height, kept.exact());
            try {
                return canvas.draw(drawer, kept);
            } catch (Misfit m) {
                // the margins moved (a longer value in the legend, another label on the axis): lay out again
            }
        }
        Layout layout = fit(drawer, width, height, legend);
        synchronized (LAYOUTS) {
            LAYOUTS.put(key, layout);
        }
        return new Canvas(width, height, false).draw(drawer, layout);
    }

    /** The layout for this size: the first number of legend columns that leaves a third of the height to the plot. */
    private static Layout fit(Drawer drawer, int width, int height, boolean legend) throws IOException {
        Layout best = null;
        if (legend) {
            for (int columns = 1; columns <= MAX_COLUMNS; columns++) {
                Layout l = fit(drawer, width, height, columns, best);
                if (l.exact() && l.plotHeight() >= height / 3) {
                    return l;
                }
                if (best != null && l.plotHeight() <= best.plotHeight()) {
                    break; // the entries no longer sit side by side: more columns make it no shorter
                }
                best = l;
            }
        }
        return fit(drawer, width, height, 0, best);
    }

    /** The plot size that makes the asked size with this legend, from a first guess of the one found before. */
    private static Layout fit(Drawer drawer, int width, int height, int columns, Layout before) throws IOException {
        int plotWidth = before != null ? before.plotWidth() : width;
        int plotHeight = before != null ? before.plotHeight() : height;
        for (int attempt = 0; attempt < 4; attempt++) {
            int[] size = probe(drawer, plotWidth, plotHeight, columns);
            int dx = width - size[0];
            int dy = height - size[1];
            if (dx == 0 && dy == 0) {
                return new Layout(plotWidth, plotHeight, columns, true);
            }
            int nextWidth = Math.max(MIN_PLOT, plotWidth + dx);
            int nextHeight = Math.max(MIN_PLOT, plotHeight + dy);
            if (nextWidth == plotWidth && nextHeight == plotHeight) {
                break;
            }
            plotWidth = nextWidth;
            plotHeight = nextHeight;
        }
        return new Layout(plotWidth, plotHeight, columns, false);
    }

    /** The image size rrd4j lays out for this plot: its layout runs, nothing is drawn. */
    private static int[] probe(Drawer drawer, int plotWidth, int plotHeight, int columns) throws IOException {
        try {
            new RrdGraph(drawer.define(plotWidth, plotHeight, columns), new Canvas(0, 0, true));
        } catch (Misfit m) {
            return new int[] {m.width, m.height};
        }
        throw new IllegalStateException("rrd4j laid out a " + plotWidth + "x" + plotHeight + " graph without asking"
                + " for its image");
    }

    /** rrd4j asked for an image of another size than the one wanted: nothing was drawn. */
    private static final class Misfit extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int width;
        final int height;

        Misfit(int width, int height) {
            super(width + "x" + height, null, false, false);
            this.width = width;
            this.height = height;
        }
    }

    /**
     * Where rrd4j draws: an RGB image of the asked size, white where rrd4j's is smaller, encoded by
     * {@link PngEncoder}. Strict, it refuses an image of another size before anything is drawn ({@link Misfit}).
     */
    private static final class Canvas extends ImageWorker {
        /** Text is measured before the image exists; on an image like the one drawn on, so with the same metrics. */
        private static final BufferedImage MEASURE = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        /** Images kept for the next graphs: a few, whichever threads draw (one is a megabyte at 800x300). */
        private static final BlockingQueue<BufferedImage> IMAGES = new ArrayBlockingQueue<>(4);

        private final int width;
        private final int height;
        private final boolean strict;
        private final List<Text> texts = new ArrayList<>();
        private BufferedImage image;
        private byte[] png;

        Canvas(int width, int height, boolean strict) {
            this.width = width;
            this.height = height;
            this.strict = strict;
            setG2d(prepare(MEASURE.createGraphics()));
        }

        Png draw(Drawer drawer, Layout layout) throws IOException {
            try {
                new RrdGraph(drawer.define(layout.plotWidth(), layout.plotHeight(), layout.columns()), this);
            } finally {
                if (image != null) {
                    IMAGES.offer(image); // encoded, or abandoned: the next graph may paint over it
                }
            }
            if (png == null) {
                throw new IllegalStateException("rrd4j drew no image for a " + layout + " graph");
            }
            return new Png(png, layout, List.copyOf(texts));
        }

        /** An image of this size, kept from a graph drawn before or new; all of it is painted over. */
        private static BufferedImage image(int width, int height) {
            BufferedImage kept = IMAGES.poll();
            return kept != null && kept.getWidth() == width && kept.getHeight() == height ? kept
                    : new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        }

        private static Graphics2D prepare(Graphics2D g) {
            // as rrd4j's own image worker: rrd4j turns antialiasing on and off as the graph definition says
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            return g;
        }

        @Override
        protected void resize(int w, int h) {
            if (strict && (w != width || h != height)) {
                throw new Misfit(w, h);
            }
            image = image(width, height);
            Graphics2D g = prepare(image.createGraphics());
            // rrd4j paints its whole image; what lies outside it (a graph that does not fit) is white
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            setG2d(g);
        }

        @Override
        protected void reset(Graphics2D g) {
            g.setTransform(new AffineTransform());
            g.setClip(0, 0, width, height);
        }

        @Override
        protected void drawString(String text, int x, int y, Font font, Paint paint) {
            texts.add(new Text(text, x, y, font));
            super.drawString(text, x, y, font, paint);
        }

        /**
         * A grid line, a tick or a thin rule across or along the plot as the rectangle it covers: the same pixels
         * (antialiasing is off, the ends are in), without Java2D's general path for a thin line in a translucent
         * colour, a mask per line (a fifth of a graph's drawing at 800x300).
         */
        @Override
        protected void drawLine(int x1, int y1, int x2, int y2, Paint paint, Stroke stroke) {
            if ((x1 == x2 || y1 == y2) && stroke instanceof BasicStroke b && b.getLineWidth() <= 1
                    && b.getDashArray() == null) {
                fillRect(Math.min(x1, x2), Math.min(y1, y2), Math.abs(x2 - x1) + 1, Math.abs(y2 - y1) + 1, paint);
            } else {
                super.drawLine(x1, y1, x2, y2, paint, stroke);
            }
        }

        @Override
        protected void makeImage(OutputStream os) throws IOException {
            int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
            png = PngEncoder.encode(pixels, 0, width, width, height);
            os.write(png);
        }
    }
}
