package org.numeter.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.store.Archives;
import org.rrd4j.core.DsDef;
import org.rrd4j.core.RrdDb;
import org.rrd4j.core.RrdDef;
import org.rrd4j.core.Sample;

/** {@link RrdState} updates a file exactly as rrd4j does: same updates, same bytes. */
class RrdStateTest {
    private static final long T0 = 1_699_920_000L;

    @TempDir
    Path dir;

    @Test
    void writesTheSameBytesAsRrd4jForEveryTypeGapsAndUnknownValues() throws Exception {
        Archives small = new Archives("small", 60, List.of(new Archives.Tier(1, 50), new Archives.Tier(5, 20),
                new Archives.Tier(30, 7)));
        List<DsDef> defs = new ArrayList<>();
        FieldType[] types = FieldType.values();
        for (int i = 0; i < types.length; i++) {
            defs.add(RrdLayout.dataSource("f" + i, Field.builder("f" + i).type(types[i])
                    .min(i == 1 ? 0.0 : null).max(i == 0 ? 900.0 : null).build(), small));
        }
        RrdDef def = RrdLayout.definition("x", T0 + 60, small, defs);
        HeapBackendFactory heap = new HeapBackendFactory();
        Path ours = dir.resolve("ours.rrd");
        Path theirs = dir.resolve("theirs.rrd");
        RrdFiles.writeAtomically(ours, heap.build(def));
        RrdFiles.writeAtomically(theirs, heap.build(def));

        SplittableRandom random = new SplittableRandom(7);
        MappedBackendFactory mapped = new MappedBackendFactory();
        try (RrdDb db = RrdDb.getBuilder().setPath(theirs.toString()).setBackendFactory(mapped).build();
                FileChannel ch = FileChannel.open(ours, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            RrdState state = RrdState.read(ch);
            assertThat(state).isNotNull();
            assertThat(state.dsIndex("f2")).isEqualTo(2);
            long t = T0;
            double[] counters = new double[types.length];
            for (int u = 0; u < 3000; u++) {
                // mostly one update a step, some within a step, some gaps (of more than the heartbeat too)
                int kind = random.nextInt(100);
                t += kind < 80 ? 60 : kind < 90 ? random.nextInt(1, 60) : kind < 98 ? 60L * random.nextInt(2, 9)
                        : 60L * random.nextInt(10, 400) + random.nextInt(60);
                double[] values = new double[types.length];
                Sample s = db.createSample(t);
                for (int i = 0; i < types.length; i++) {
                    counters[i] += random.nextInt(-50, 1000);
                    values[i] = random.nextInt(20) == 0 ? Double.NaN
                            : types[i] == FieldType.GAUGE ? random.nextDouble(-10, 1000) : counters[i];
                    s.setValue(i, values[i]);
                }
                s.update();
                state.apply(t, values);
                state.flush(ch);
                if (u % 97 == 0) {
                    assertThat(Files.readAllBytes(ours)).as("after update %d", u).isEqualTo(bytes(db));
                }
            }
            assertThat(state.lastUpdate()).isEqualTo(t);
            assertThat(Files.readAllBytes(ours)).isEqualTo(bytes(db));
            long last = t;
            assertThatThrownBy(() -> state.apply(last, new double[types.length]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Bad sample time");
        }
    }

    @Test
    void manyUpdatesFlushedTogetherWriteTheSameBytesAsRrd4jAcrossTheArchivesWrapAround() throws Exception {
        // 50 rows of the first tier: flushes of up to 120 updates wrap around it, some more than once
        Archives small = new Archives("small", 60, List.of(new Archives.Tier(1, 50), new Archives.Tier(5, 20),
                new Archives.Tier(30, 7)));
        List<DsDef> defs = List.of(
                RrdLayout.dataSource("g", Field.builder("g").build(), small),
                RrdLayout.dataSource("c", Field.builder("c").type(FieldType.COUNTER).build(), small));
        RrdDef def = RrdLayout.definition("x", T0 + 60, small, defs);
        HeapBackendFactory heap = new HeapBackendFactory();
        Path ours = dir.resolve("ours.rrd");
        Path theirs = dir.resolve("theirs.rrd");
        RrdFiles.writeAtomically(ours, heap.build(def));
        RrdFiles.writeAtomically(theirs, heap.build(def));

        SplittableRandom random = new SplittableRandom(11);
        try (RrdDb db = RrdDb.getBuilder().setPath(theirs.toString()).setBackendFactory(new MappedBackendFactory())
                .build();
                FileChannel ch = FileChannel.open(ours, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            RrdState state = RrdState.read(ch);
            // an update within the first step changes the state and stores no row
            state.apply(T0 + 20, new double[] {1, 0});
            assertThat(state.pendingRows()).isZero();
            assertThat(state.pendingBytes()).isPositive();
            Sample first = db.createSample(T0 + 20);
            first.setValue(0, 1);
            first.setValue(1, 0);
            first.update();
            state.flush(ch);
            assertThat(Files.readAllBytes(ours)).isEqualTo(bytes(db));
            long t = T0 + 20;
            double counter = 0;
            for (int flush = 0; flush < 40; flush++) {
                int updates = random.nextInt(1, 121);
                for (int u = 0; u < updates; u++) {
                    int kind = random.nextInt(50);
                    t += kind == 0 ? 60L * random.nextInt(2, 70) : kind < 5 ? random.nextInt(1, 30) : 60;
                    counter += random.nextInt(1000);
                    double[] values = {random.nextDouble(-5, 5), counter};
                    Sample s = db.createSample(t);
                    s.setValue(0, values[0]);
                    s.setValue(1, values[1]);
                    s.update();
                    state.apply(t, values);
                }
                assertThat(state.dirty()).isTrue();
                assertThat(state.pendingBytes()).isPositive();
                if (flush == 0) {
                    assertThat(state.lastUpdate()).isGreaterThan(T0 + 20);
                    assertThat(RrdState.read(ch).lastUpdate()).as("nothing written before the flush")
                            .isEqualTo(T0 + 20);
                }
                state.flush(ch);
                assertThat(state.dirty()).isFalse();
                assertThat(state.pendingRows()).isZero();
                assertThat(Files.readAllBytes(ours)).as("after flush %d of %d updates", flush, updates)
                        .isEqualTo(bytes(db));
            }
        }
    }

    @Test
    void readsBackWhatItWroteAndLeavesOtherLayoutsToRrd4j() throws Exception {
        Archives a = Archives.DEFAULT;
        RrdDef def = RrdLayout.definition("x", T0 + 60, a, List.of(RrdLayout.dataSource("load",
                Field.builder("load").build(), a)));
        Path file = dir.resolve("one.rrd");
        RrdFiles.writeAtomically(file, new HeapBackendFactory().build(def));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            RrdState s = RrdState.read(ch);
            s.apply(T0 + 60, new double[] {1.5});
            s.flush(ch);
            assertThat(RrdState.read(ch).lastUpdate()).isEqualTo(T0 + 60);
        }
        Path v1 = dir.resolve("v1.rrd");
        RrdDef old = new RrdDef("x", T0, 60, 1);
        old.addDatasource("load", org.rrd4j.DsType.GAUGE, 120, Double.NaN, Double.NaN);
        old.addArchive(org.rrd4j.ConsolFun.AVERAGE, 0.5, 1, 10);
        RrdFiles.writeAtomically(v1, new HeapBackendFactory().build(old));
        try (FileChannel ch = FileChannel.open(v1, StandardOpenOption.READ)) {
            assertThat(RrdState.read(ch)).isNull();
        }
    }

    private static byte[] bytes(RrdDb db) throws Exception {
        return db.getBytes();
    }
}
