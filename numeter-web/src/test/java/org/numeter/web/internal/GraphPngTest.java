package org.numeter.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.numeter.graph.FixedSizePng;
import org.numeter.model.Field;
import org.numeter.model.Plugin;

class GraphPngTest {
    static final long T0 = 1_699_920_000L;
    static final List<String> MEMORY = List.of("apps", "page_tables", "swap_cache", "slab_cache", "shmem", "cached",
            "buffers", "free", "swap", "vmalloc_used", "committed", "mapped", "active", "inactive");

    static GraphPng.Picture picture(List<String> fields, Set<Integer> hidden) {
        Plugin.Builder plugin = Plugin.builder("memory").title("Memory usage").vlabel("Bytes")
                .args("--base 1024 -l 0");
        for (String f : fields) {
            plugin.field(Field.builder(f).label(f).draw(f.equals(fields.get(0)) ? "AREA" : "STACK").build());
        }
        List<Object[]> rows = new ArrayList<>();
        for (int i = 1; i <= 288; i++) {
            Object[] row = new Object[fields.size() + 1];
            row[0] = T0 + 300L * i;
            for (int f = 0; f < fields.size(); f++) {
                row[f + 1] = 1.0e9 * (1 + f) + 1.0e7 * Math.sin(i / 20.0);
            }
            rows.add(row);
        }
        return new GraphPng.Picture("memory on web1", GraphSpec.of(plugin.build()), T0, T0 + 86400, 300, rows,
                hidden, 800, 300, ZoneOffset.UTC);
    }

    /**
     * The memory plugin's 14 fields at the default 800x300: one entry a line would leave the plot under a third of
     * the image, so the legend is laid out in columns, not left out; every entry is drawn inside the image.
     */
    @Test
    void aLongLegendIsLaidOutInColumnsNotLeftOut() throws Exception {
        for (List<String> fields : List.of(MEMORY, MEMORY.subList(0, 10))) {
            FixedSizePng.Png png = GraphPng.draw(picture(fields, Set.of()));
            Files.createDirectories(Path.of("target"));
            Files.write(Path.of("target", "memory" + fields.size() + "-800x300.png"), png.bytes());
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.bytes()));
            assertThat(image.getWidth()).isEqualTo(800);
            assertThat(image.getHeight()).isEqualTo(300);
            assertThat(png.layout().exact()).isTrue();
            assertThat(png.layout().columns()).as("legend columns for %d fields", fields.size()).isGreaterThan(0);
            assertThat(png.layout().plotHeight()).isGreaterThanOrEqualTo(100);
            List<String> drawn = png.texts().stream().filter(t -> t.y() > 0 && t.y() < 300)
                    .map(t -> t.text().strip()).toList();
            assertThat(drawn).as("legend entries of %d fields", fields.size()).containsAll(fields);
        }
    }

    /** The PNG URL and the page's PNG button are one image: the same picture is the same bytes, hidden or not. */
    @Test
    void theSamePictureIsTheSameBytes() throws Exception {
        for (Set<Integer> hidden : List.of(Set.<Integer>of(), Set.of(2, 5))) {
            byte[] first = GraphPng.render(picture(MEMORY, hidden));
            assertThat(GraphPng.render(picture(MEMORY, hidden))).isEqualTo(first);
        }
    }
}
