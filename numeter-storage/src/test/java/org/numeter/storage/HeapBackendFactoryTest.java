package org.numeter.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.store.Archives;
import org.rrd4j.core.RrdDb;
import org.rrd4j.core.RrdDef;

/** A file made from a layout's template is the file rrd4j lays out, whatever its start time. */
class HeapBackendFactoryTest {
    @Test
    void aFileMadeFromTheTemplateIsTheOneRrd4jMakes() throws Exception {
        HeapBackendFactory templated = new HeapBackendFactory();
        for (Archives a : List.of(Archives.DEFAULT, Archives.MUNIN, Archives.FINE)) {
            for (long start : new long[] {1_699_920_000L, 1_699_920_017L, 1_699_999_999L, 1_700_003_600L}) {
                RrdDef def = RrdLayout.definition("x", start, a, List.of(
                        RrdLayout.dataSource("in", Field.builder("in").type(FieldType.COUNTER).min(0.0).build(), a),
                        RrdLayout.dataSource("out", Field.builder("out").build(), a)));
                ByteBuffer made = templated.build(def);
                try (RrdDb db = RrdDb.getBuilder().setRrdDef(def)
                        .setBackendFactory(new org.rrd4j.core.RrdMemoryBackendFactory()).build()) {
                    byte[] expected = db.getBytes();
                    byte[] got = new byte[made.remaining()];
                    made.get(got);
                    assertThat(got).as("%s from %d", a.name(), start).isEqualTo(expected);
                }
            }
        }
    }
}
