package org.numeter.storage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.zip.CRC32;
import org.numeter.model.Field;
import org.numeter.store.Archives;
import org.rrd4j.ConsolFun;
import org.rrd4j.DsType;
import org.rrd4j.core.ArcDef;
import org.rrd4j.core.DsDef;
import org.rrd4j.core.RrdDef;

/** The one place where a plugin's RRD file is shaped: its step, data sources and archives. */
final class RrdLayout {
    /** rrd4j refuses longer data-source names. */
    static final int MAX_DS_NAME = 20;
    private static final ConsolFun[] FUNCTIONS = {ConsolFun.AVERAGE, ConsolFun.MIN, ConsolFun.MAX};

    private RrdLayout() {}

    /** A new file whose first update may come at {@code firstUpdate}. */
    static RrdDef definition(String path, long firstUpdate, Archives archives, Collection<DsDef> dataSources) {
        RrdDef def = new RrdDef(path, firstUpdate - archives.step(), archives.step());
        def.addDatasource(dataSources.toArray(DsDef[]::new));
        for (Archives.Tier tier : archives.tiers()) {
            for (ConsolFun cf : functions(tier)) {
                def.addArchive(new ArcDef(cf, Archives.XFF, tier.steps(), tier.rows()));
            }
        }
        return def;
    }

    /**
     * AVERAGE, MIN and MAX, except for a tier of primary points, where all three are the same numbers: it keeps
     * AVERAGE alone, which saves a quarter of the disk and of the update work (see RATIONALE.md).
     */
    static ConsolFun[] functions(Archives.Tier tier) {
        return tier.steps() == 1 ? new ConsolFun[] {ConsolFun.AVERAGE} : FUNCTIONS;
    }

    /** The archive that holds a consolidation of a tier. */
    static ConsolFun stored(Archives.Tier tier, ConsolFun wanted) {
        return tier.steps() == 1 ? ConsolFun.AVERAGE : wanted;
    }

    static DsDef dataSource(String dsName, Field field, Archives archives) {
        return new DsDef(dsName, DsType.valueOf(field.type().name()), archives.heartbeat(), limit(field.min()),
                limit(field.max()));
    }

    static double limit(Double value) {
        return value == null ? Double.NaN : value;
    }

    /** The archives a file was made with, so that an old file is read as it is, whatever the configuration. */
    static Archives archivesOf(RrdDef def, Archives configured) {
        TreeSet<Long> seen = new TreeSet<>();
        List<Archives.Tier> tiers = new ArrayList<>();
        for (ArcDef a : def.getArcDefs()) {
            if (a.getConsolFun() == ConsolFun.AVERAGE && seen.add((long) a.getSteps())) {
                tiers.add(new Archives.Tier(a.getSteps(), a.getRows()));
            }
        }
        tiers.sort((x, y) -> Integer.compare(x.steps(), y.steps()));
        Archives found = new Archives(configured.name(), def.getStep(), tiers);
        if (found.step() == configured.step() && found.tiers().equals(configured.tiers())) {
            return configured;
        }
        return new Archives(describe(found), found.step(), tiers);
    }

    static String describe(Archives a) {
        StringBuilder out = new StringBuilder("step " + a.step() + " s");
        for (Archives.Tier t : a.tiers()) {
            out.append(", ").append(t.steps()).append('x').append(t.rows());
        }
        return out.toString();
    }

    /**
     * The data-source name of a field: the name itself when rrd4j accepts it, else its first 13 characters, '_' and
     * six hex digits of a checksum of the whole name (and of {@code attempt}, to step around a clash).
     */
    static String dsName(String field, int attempt) {
        if (field.length() <= MAX_DS_NAME && attempt == 0) {
            return field;
        }
        CRC32 crc = new CRC32();
        crc.update((field + (attempt == 0 ? "" : "#" + attempt)).getBytes(StandardCharsets.UTF_8));
        String hash = String.format(Locale.ROOT, "%06x", crc.getValue() & 0xffffff);
        return field.substring(0, Math.min(field.length(), MAX_DS_NAME - 7)) + "_" + hash;
    }
}
