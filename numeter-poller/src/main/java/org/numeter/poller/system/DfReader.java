package org.numeter.poller.system;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.numeter.model.Field;
import org.numeter.model.Names;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.munin.Problems;

/**
 * {@code /proc/mounts} and statfs: munin's {@code df}, percent used per mounted block device. Pseudo file systems
 * (proc, cgroup, tmpfs, overlays of containers) are left out, as are read-only images; a device mounted twice
 * counts once, under its first mount point.
 */
final class DfReader implements Reader {
    private static final Set<String> IMAGES = Set.of("squashfs", "iso9660", "udf", "romfs", "erofs");

    private final ProcFiles proc;
    private final DiskSpace space;

    DfReader(ProcFiles proc, DiskSpace space) {
        this.proc = proc;
        this.space = space;
    }

    @Override
    public String plugins() {
        return "df";
    }

    @Override
    public List<SampleBatch> read(String host, long timestamp, Problems problems) throws IOException {
        Set<String> devices = new LinkedHashSet<>();
        Map<String, Double> values = new LinkedHashMap<>();
        Plugin.Builder meta = Plugin.builder("df")
                .title("Disk usage in percent").category("disk").vlabel("%").scale(false)
                .args("--upper-limit 100 -l 0")
                .info("This graph shows how full each mounted file system is.");
        for (String line : proc.lines("mounts")) {
            String[] w = Proc.words(line);
            if (w.length < 3 || !w[0].startsWith("/") || IMAGES.contains(w[2]) || !devices.add(w[0])) {
                continue;
            }
            String mountPoint = unescape(w[1]);
            String field = Names.cleanField(w[0]);
            try {
                values.put(field, space.percentUsed(mountPoint));
                meta.field(Field.builder(field).label(mountPoint).warning("92").critical("98").build());
            } catch (IOException | RuntimeException e) {
                problems.report("df", "mount " + mountPoint + " (" + w[0] + "): " + e.getMessage());
            }
        }
        if (values.isEmpty()) {
            return List.of();
        }
        return List.of(new SampleBatch(host, "df", timestamp, values, meta.build()));
    }

    /** /proc/mounts writes spaces, tabs and backslashes in octal ({@code \040}). */
    static String unescape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 3 < text.length() && text.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(text.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
