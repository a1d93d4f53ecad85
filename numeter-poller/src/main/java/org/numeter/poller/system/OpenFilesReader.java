package org.numeter.poller.system;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.munin.Problems;

/** {@code /proc/sys/fs/file-nr}: munin's {@code open_files}, warned at 92% and critical at 98% of the limit. */
final class OpenFilesReader implements Reader {
    private final ProcFiles proc;

    OpenFilesReader(ProcFiles proc) {
        this.proc = proc;
    }

    @Override
    public String plugins() {
        return "open_files";
    }

    @Override
    public List<SampleBatch> read(String host, long timestamp, Problems problems) throws IOException {
        List<String> lines = proc.lines("sys/fs/file-nr");
        if (lines.isEmpty()) {
            throw new IOException("sys/fs/file-nr: empty");
        }
        String line = lines.get(0);
        String[] w = Proc.words(line);
        if (w.length < 3) {
            throw new IOException("sys/fs/file-nr: 3 numbers expected in line '" + line + "'");
        }
        long allocated = Proc.number("sys/fs/file-nr", line, w[0]);
        long unused = Proc.number("sys/fs/file-nr", line, w[1]);
        long max = Proc.number("sys/fs/file-nr", line, w[2]);
        Plugin meta = Plugin.builder("open_files")
                .title("File table usage").category("system").vlabel("number of open files")
                .args("--base 1000 -l 0")
                .info("This graph monitors the Linux open files table.")
                .field(Field.builder("used").label("open files")
                        .warning(String.valueOf(max * 92 / 100)).critical(String.valueOf(max * 98 / 100))
                        .info("The number of currently open files.").build())
                .field(Field.builder("max").label("max open files").graph(false)
                        .info("The maximum supported number of open files.").build())
                .build();
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("used", (double) (allocated - unused));
        values.put("max", (double) max);
        return List.of(new SampleBatch(host, "open_files", timestamp, values, meta));
    }
}
