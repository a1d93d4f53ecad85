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

    @Test
    void drawsAPngOfTheAskedSizePlusAxesAndLegend() throws Exception {
        BufferedImage big = render(800, 300, true);
        BufferedImage small = render(400, 150, false);

        assertThat(big.getWidth() - small.getWidth()).isEqualTo(400);
        assertThat(big.getWidth()).isBetween(800, 900);
        assertThat(big.getHeight()).isGreaterThan(small.getHeight() + 150);
    }

    @Test
    void drawsFieldsInTheirColoursAndHidesFieldsNotGraphed() throws Exception {
        BufferedImage image = render(800, 300, true);

        assertThat(count(image, 0x0000FF)).as("received, above and mirrored below").isGreaterThan(1000);
        assertThat(count(image, 0xFF00FF)).as("up is not graphed itself").isZero();
        assertThat(count(image, 0xFF8000)).as("errors takes munin's third colour, as the third field").isGreaterThan(100);
        assertThat(count(image, 0xFF0000)).as("critical line").isGreaterThan(700);
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
