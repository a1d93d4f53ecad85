package org.numeter.poller.system;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.munin.Problems;

/** {@code /proc/meminfo}: munin's {@code memory} breakdown, stacked to the machine's total, in bytes. */
final class MemoryReader implements Reader {
    private final ProcFiles proc;

    MemoryReader(ProcFiles proc) {
        this.proc = proc;
    }

    @Override
    public String plugins() {
        return "memory";
    }

    @Override
    public List<SampleBatch> read(String host, long timestamp, Problems problems) throws IOException {
        Map<String, Long> m = Proc.keyed("meminfo", proc.lines("meminfo"));
        long total = Proc.require("meminfo", m, "MemTotal");
        long free = Proc.require("meminfo", m, "MemFree");
        long buffers = m.getOrDefault("Buffers", 0L);
        long cached = m.getOrDefault("Cached", 0L);
        long slab = m.getOrDefault("Slab", 0L);
        long pageTables = m.getOrDefault("PageTables", 0L);
        long swapCached = m.getOrDefault("SwapCached", 0L);
        long swapTotal = m.getOrDefault("SwapTotal", 0L);
        long swapFree = m.getOrDefault("SwapFree", 0L);
        // What is left once the kernel's own uses are taken out is the applications' memory, as munin counts it.
        long apps = total - free - buffers - cached - slab - pageTables - swapCached;

        Map<String, Double> values = new LinkedHashMap<>();
        values.put("apps", (double) apps);
        values.put("page_tables", (double) pageTables);
        values.put("swap_cache", (double) swapCached);
        values.put("slab", (double) slab);
        values.put("cached", (double) cached);
        values.put("buffers", (double) buffers);
        values.put("free", (double) free);
        values.put("swap", (double) (swapTotal - swapFree));
        values.put("committed", (double) m.getOrDefault("Committed_AS", 0L));
        values.put("mapped", (double) m.getOrDefault("Mapped", 0L));
        values.put("active", (double) m.getOrDefault("Active", 0L));
        values.put("inactive", (double) m.getOrDefault("Inactive", 0L));
        return List.of(new SampleBatch(host, "memory", timestamp, values, plugin(total)));
    }

    private static Plugin plugin(long total) {
        return Plugin.builder("memory")
                .title("Memory usage").category("system").vlabel("Bytes")
                .args("--base 1024 -l 0 --upper-limit " + total)
                .order(List.of("apps", "page_tables", "swap_cache", "slab", "cached", "buffers", "free", "swap"))
                .info("This graph shows what the machine uses memory for.")
                .field(stacked("apps", "apps", "AREA", "00CC00", "Memory used by user-space applications."))
                .field(stacked("page_tables", "page_tables", "STACK", "0066B3",
                        "Memory used to map between virtual and physical memory addresses."))
                .field(stacked("swap_cache", "swap_cache", "STACK", "FF8000",
                        "A piece of memory that keeps track of pages that have been fetched from swap but not yet"
                                + " been modified."))
                .field(stacked("slab", "slab_cache", "STACK", "FFCC00",
                        "Memory used by the kernel (major users are caches like inode, dentry, etc)."))
                .field(stacked("cached", "cache", "STACK", "330099",
                        "Parked file data (file content) cache."))
                .field(stacked("buffers", "buffers", "STACK", "990099",
                        "Block device (e.g. harddisk) cache. Also where \"dirty\" blocks are stored until written."))
                .field(stacked("free", "unused", "STACK", "CCFF00", "Wasted memory. Memory that is not used for"
                        + " anything at all."))
                .field(stacked("swap", "swap", "STACK", "FF0000", "Swap space used."))
                .field(line("committed", "committed", "00FFCC",
                        "The amount of memory allocated to programs. Overcommitting is normal, but may indicate"
                                + " memory leaks."))
                .field(line("mapped", "mapped", "0000FF", "All mmap()ed pages."))
                .field(line("active", "active", "FF00FF", "Memory recently used. Not reclaimed unless"
                        + " absolutely necessary."))
                .field(line("inactive", "inactive", "000000", "Memory not currently used."))
                .build();
    }

    private static Field stacked(String name, String label, String draw, String colour, String info) {
        return Field.builder(name).label(label).draw(draw).colour(colour).info(info).build();
    }

    private static Field line(String name, String label, String colour, String info) {
        return Field.builder(name).label(label).draw("LINE2").colour(colour).info(info).build();
    }
}
