package org.numeter.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.store.InMemoryStore;

class GraphRendererTest {
    static final long T0 = 1_699_920_000L;
    static final Plugin IF = Plugin.builder("if_eth0").title("eth0 traffic").vlabel("bits per ${graph_period}")
            .args("--base 1000 -l 0")
            .field(Field.builder("down").label("received").colour("0000FF").negative("up").draw("AREA")
                    .warning(":1500").critical("1400").build())
            .field(Field.builder("up").colour("FF00FF").graph(false).build())
            .field(Field.builder("errors").draw("LINE2").build())
            .build();

    InMemoryStore store = new InMemoryStore();
    GraphRenderer renderer = new GraphRenderer(store);

    @BeforeEach
    void fill() throws Exception {
        List<SampleBatch> batches = new ArrayList<>();
        for (int i = 1; i <= 1440; i++) {
            double wave = 1000 + 500 * Math.sin(i / 100.0);
            SampleBatch b = new SampleBatch("web1", "if_eth0", T0 + 60L * i,
                    Map.of("down", wave, "up", wave / 2, "errors", (double) (i % 7)), null);
            batches.add(i == 1 ? b.withMeta(IF) : b);
        }
        store.write(batches);
    }

    BufferedImage render(int width, int height, boolean legend) throws Exception {
        byte[] png = renderer.render(new GraphRenderer.Request("web1", "if_eth0", T0, T0 + 86400, width, height,
                null, legend));
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "if_eth0-" + width + "x" + height + (legend ? "" : "-nolegend") + ".png"), png);
        return ImageIO.read(new ByteArrayInputStream(png));
    }

    /** The asked size is the image's, axes, title and legend included, as the web's PNG link expects. */
    @Test
    void drawsAPngOfExactlyTheAskedSize() throws Exception {
        for (int[] size : new int[][] {{503, 220}, {800, 300}, {1200, 500}, {120, 60}}) {
            BufferedImage withLegend = render(size[0], size[1], true);
            assertThat(withLegend.getWidth()).isEqualTo(size[0]);
            assertThat(withLegend.getHeight()).isEqualTo(size[1]);
            BufferedImage without = render(size[0], size[1], false);
            assertThat(without.getWidth()).isEqualTo(size[0]);
            assertThat(without.getHeight()).isEqualTo(size[1]);
        }
    }

    @Test
    void drawsFieldsInTheirColoursAndHidesFieldsNotGraphed() throws Exception {
        BufferedImage image = render(800, 300, true);

        assertThat(count(image, 0x0000FF)).as("received, above and mirrored below").isGreaterThan(1000);
        assertThat(count(image, 0xFF00FF)).as("up is not graphed itself").isZero();
        assertThat(count(image, 0x0066B3)).as("errors takes munin's second colour, as the second drawn field")
                .isGreaterThan(100);
        assertThat(count(image, 0xFF0000)).as("critical line").isGreaterThan(700);
    }

    /**
     * munin's memory: an AREA, a STACK on it, then a LINE2 drawn from zero over them; the negative half of a pair
     * mirrors its partner below the axis. Values are constant, so where each colour lies tells how it was drawn.
     */
    @Test
    void onlyStackingFieldsStackAndNegativesGoBelowTheAxis() throws Exception {
        Plugin mem = Plugin.builder("memory").args("--base 1024").total("Total")
                .order(List.of("apps", "cache", "committed"))
                .field(Field.builder("committed").draw("LINE2").colour("FF0000").build())
                .field(Field.builder("cache").draw("STACK").colour("00FF00").build())
                .field(Field.builder("apps").draw("AREA").colour("0000FF").build())
                .field(Field.builder("rd").graph(false).build())
                .field(Field.builder("wr").draw("LINE2").colour("FF00FF").negative("rd").build())
                .build();
        List<SampleBatch> batches = new ArrayList<>();
        for (int i = 1; i <= 1440; i++) {
            SampleBatch b = new SampleBatch("web1", "memory", T0 + 60L * i,
                    Map.of("apps", 10.0, "cache", 10.0, "committed", 5.0, "rd", 8.0, "wr", 4.0), null);
            batches.add(i == 1 ? b.withMeta(mem) : b);
        }
        store.write(batches);
        byte[] png = renderer.render(new GraphRenderer.Request("web1", "memory", T0, T0 + 86400, 600, 400, null,
                true));
        Files.write(Path.of("target", "memory-600x400.png"), png);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(600);
        assertThat(image.getHeight()).isEqualTo(400);

        int column = 300;
        int[] apps = rows(image, column, 0x0000FF);
        int[] cache = rows(image, column, 0x00FF00);
        int[] committed = rows(image, column, 0xFF0000);
        int[] wr = rows(image, column, 0xFF00FF);
        // screen rows grow downwards: cache (10..20) sits on apps (0..10), committed (5) crosses apps
        assertThat(cache[1]).as("cache's bottom touches apps' top").isBetween(apps[0] - 2, apps[0] + 2);
        assertThat(committed[0]).as("committed is not stacked").isGreaterThan(apps[0]);
        assertThat(committed[1]).isLessThan(apps[1]);
        // wr (4) above the axis, rd (8) mirrored below it in wr's colour: lines 4 units up and 8 down
        double unit = (apps[1] - apps[0]) / 10.0;
        int axis = apps[1];
        assertThat(wr[0]).isBetween((int) (axis - 4 * unit) - 3, (int) (axis - 4 * unit) + 3);
        assertThat(wr[1]).isBetween((int) (axis + 8 * unit) - 3, (int) (axis + 8 * unit) + 3);
    }

    /** A legend taller than a third of the image would leave no graph: it is left out, the size is kept. */
    @Test
    void aLegendThatDoesNotFitIsLeftOut() throws Exception {
        Plugin.Builder many = Plugin.builder("many").args("-l 0");
        Map<String, Double> values = new java.util.LinkedHashMap<>();
        for (int f = 0; f < 12; f++) {
            many.field(Field.builder("f" + f).draw(f == 0 ? "AREA" : "STACK").colour(f == 0 ? "0000FF" : null)
                    .build());
            values.put("f" + f, 1.0);
        }
        List<SampleBatch> batches = new ArrayList<>();
        for (int i = 1; i <= 1440; i++) {
            SampleBatch b = new SampleBatch("web1", "many", T0 + 60L * i, values, null);
            batches.add(i == 1 ? b.withMeta(many.build()) : b);
        }
        store.write(batches);
        byte[] png = renderer.render(new GraphRenderer.Request("web1", "many", T0, T0 + 86400, 503, 220, null,
                true));
        Files.write(Path.of("target", "many-503x220.png"), png);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(503);
        assertThat(image.getHeight()).isEqualTo(220);
        // f0 is one unit of a plot about 165 px high for 20 units and 430 wide; with the legend, 10 px high
        assertThat(count(image, 0x0000FF)).isGreaterThan(2000);
    }

    /**
     * munin's memory plugin (14 fields) and cpu plugin (9) at the default 800x300: one entry a line would leave the
     * plot under a third of the image, so the legend is laid out in columns, and every field's entry is drawn inside
     * the image, from the texts the drawing itself drew.
     */
    @Test
    void aLongLegendIsLaidOutInColumnsNotLeftOut() throws Exception {
        List<String> memory = List.of("apps", "page_tables", "swap_cache", "slab_cache", "shmem", "cached", "buffers",
                "free", "swap", "vmalloc_used", "committed", "mapped", "active", "inactive");
        List<String> cpu = List.of("system", "user", "nice", "idle", "iowait", "irq", "softirq", "steal", "guest");
        for (List<String> fields : List.of(memory, cpu, memory.subList(0, 10))) {
            String name = "p" + fields.size();
            Plugin.Builder plugin = Plugin.builder(name).title(name).vlabel("bytes").args("--base 1024 -l 0")
                    .total("total");
            Map<String, Double> values = new java.util.LinkedHashMap<>();
            for (String f : fields) {
                plugin.field(Field.builder(f).label(f).draw(values.isEmpty() ? "AREA" : "STACK").build());
                values.put(f, 1.0e9 + values.size());
            }
            List<SampleBatch> batches = new ArrayList<>();
            for (int i = 1; i <= 1440; i++) {
                SampleBatch b = new SampleBatch("web1", name, T0 + 60L * i, values, null);
                batches.add(i == 1 ? b.withMeta(plugin.build()) : b);
            }
            store.write(batches);

            org.numeter.graph.FixedSizePng.Png png = renderer.draw(new GraphRenderer.Request("web1", name, T0,
                    T0 + 86400, 800, 300, null, true));
            Files.write(Path.of("target", name + "-800x300.png"), png.bytes());
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.bytes()));
            assertThat(image.getWidth()).isEqualTo(800);
            assertThat(image.getHeight()).isEqualTo(300);
            assertThat(png.layout().exact()).as("%s: plot and margins make the asked size", name).isTrue();
            assertThat(png.layout().columns()).as("%s: legend columns", name).isGreaterThan(0);
            assertThat(png.layout().plotHeight()).as("%s: the plot keeps a third of the image", name)
                    .isGreaterThanOrEqualTo(100);
            List<String> drawn = png.texts().stream().filter(t -> t.y() > 0 && t.y() < 300)
                    .map(t -> t.text().strip()).toList();
            for (String f : fields) {
                assertThat(drawn).as("%s: the legend entry of %s", name, f)
                        .contains(f.length() > GraphRenderer.Legend.LABEL && png.layout().columns() > 1
                                ? f.substring(0, GraphRenderer.Legend.LABEL) : f);
            }
            assertThat(drawn).as("%s: graph_total's entry", name).contains("total");
        }
    }

    /** The same graph twice is the same bytes (the web's PNG button downloads its PNG URL). */
    @Test
    void theSameGraphIsTheSameBytes() throws Exception {
        GraphRenderer.Request r = new GraphRenderer.Request("web1", "if_eth0", T0, T0 + 86400, 800, 300, null, true);
        assertThat(renderer.render(r)).isEqualTo(renderer.render(r));
        assertThat(new GraphRenderer(store).render(r)).isEqualTo(renderer.render(r));
    }

    /** The first and last screen row of a colour in a column. */
    static int[] rows(BufferedImage image, int x, int rgb) {
        int first = -1;
        int last = -1;
        for (int y = 0; y < image.getHeight(); y++) {
            if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                first = first < 0 ? y : first;
                last = y;
            }
        }
        assertThat(first).as("colour %06X in column %d", rgb, x).isNotNegative();
        return new int[] {first, last};
    }

    @Test
    void refusesAnUnknownPlugin() {
        assertThatThrownBy(() -> renderer.render(new GraphRenderer.Request("web1", "nope", T0, T0 + 60, 400, 100,
                null, true))).isInstanceOf(NoSuchElementException.class).hasMessage("host web1 has no plugin 'nope'");
    }

    static int count(BufferedImage image, int rgb) {
        int n = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }
}
