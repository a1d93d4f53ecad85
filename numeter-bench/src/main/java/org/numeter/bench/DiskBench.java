package org.numeter.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.storage.RrdStore;
import org.numeter.store.Archives;

/** Disk: bytes per stored series for each archive preset, from the files a store really writes. */
public final class DiskBench {
    private DiskBench() {}

    public static void main(String[] argv) throws Exception {
        BenchArgs args = new BenchArgs(argv, "dir", "/tmp/numeter-bench-disk",
                "plugins", "100", "fields", "5");
        int plugins = args.integer("plugins");
        int fields = args.integer("fields");
        System.out.println("disk: " + args);
        System.out.println("machine: " + Machine.describe());
        for (Archives archives : List.of(Archives.DEFAULT, Archives.MUNIN, Archives.FINE)) {
            Path dir = Path.of(args.text("dir"), archives.name());
            Machine.deleteTree(dir);
            try (RrdStore store = RrdStore.builder(dir).archives(archives).open()) {
                List<SampleBatch> batches = new ArrayList<>();
                for (int p = 0; p < plugins; p++) {
                    Plugin.Builder meta = Plugin.builder("plugin" + p).title("Plugin " + p);
                    Map<String, Double> values = new LinkedHashMap<>();
                    for (int f = 0; f < fields; f++) {
                        meta.field(Field.builder("field" + f).label("Field " + f).build());
                        values.put("field" + f, (double) f);
                    }
                    batches.add(new SampleBatch("host", "plugin" + p, 1_700_000_000L, values, meta.build()));
                }
                store.write(batches);
            }
            long rrd = sizes(dir, ".rrd");
            long json = sizes(dir, ".json");
            long allocated = allocatedBytes(dir);
            int series = plugins * fields;
            System.out.printf(Locale.ROOT, "%-8s step %3d s: %,9.0f bytes per series in .rrd files, %,6.0f bytes per"
                    + " plugin of metadata, %,9.0f bytes per series allocated on disk (du), %d series%n",
                    archives.name(), archives.step(), (double) rrd / series, (double) json / plugins,
                    (double) allocated / series, series);
        }
    }

    private static long sizes(Path dir, String suffix) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            long total = 0;
            for (Path p : walk.filter(p -> p.toString().endsWith(suffix)).toList()) {
                total += Files.size(p);
            }
            return total;
        }
    }

    private static long allocatedBytes(Path dir) throws IOException, InterruptedException {
        Process du = new ProcessBuilder("du", "-sk", dir.toString()).redirectErrorStream(true).start();
        String out = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        du.waitFor();
        return Long.parseLong(out.split("\\s+")[0]) * 1024;
    }
}
