package org.numeter.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;

class BatchCodecTest {

    static Plugin ifEth0() {
        return Plugin.builder("if_eth0")
                .title("eth0 traffic")
                .category("network")
                .vlabel("bits in (-) / out (+) per ${graph_period}")
                .args("--base 1000 --lower-limit 0")
                .order(java.util.List.of("down", "up"))
                .info("Traffic of eth0")
                .field(Field.builder("down").label("received").type(FieldType.DERIVE).min(0.0).graph(false)
                        .cdef("down,8,*").build())
                .field(Field.builder("up").label("bps").type(FieldType.DERIVE).min(0.0).negative("down")
                        .max(1e9).warning("0:900000000").colour("00cc00").extra("linkspeed", "1000").build())
                .extra("graph_custom", "kept as is")
                .build();
    }

    @Test
    void batchWithMetadataRoundTrips() {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("down", 123456.0);
        values.put("up", Double.NaN);
        SampleBatch batch = new SampleBatch("web1.example.org", "if_eth0", 1_700_000_000L, values, ifEth0());

        SampleBatch back = BatchCodec.decodeBatch(BatchCodec.encode(batch));

        assertThat(back.host()).isEqualTo("web1.example.org");
        assertThat(back.timestamp()).isEqualTo(1_700_000_000L);
        assertThat(back.values().get("down")).isEqualTo(123456.0);
        assertThat(back.values().get("up")).isNaN();
        assertThat(back.meta()).isEqualTo(batch.meta());
    }

    @Test
    void unknownIsWrittenAsNull() {
        SampleBatch batch = new SampleBatch("h", "load", 10, Map.of("load", Double.NaN), null);
        assertThat(new String(BatchCodec.encode(batch), StandardCharsets.UTF_8))
                .isEqualTo("{\"host\":\"h\",\"plugin\":\"load\",\"time\":10,\"values\":{\"load\":null}}");
    }

    @Test
    void pluginDerivedArguments() {
        Plugin p = ifEth0();
        assertThat(p.base()).isEqualTo(1000);
        assertThat(p.lowerLimit()).hasValue(0.0);
        assertThat(p.upperLimit()).isEmpty();
        assertThat(Plugin.builder("memory").args("--base 1024 -l 0 -u 100 --logarithmic").build())
                .satisfies(m -> {
                    assertThat(m.base()).isEqualTo(1024);
                    assertThat(m.upperLimit()).hasValue(100.0);
                    assertThat(m.logarithmic()).isTrue();
                });
    }

    @Test
    void badValueNamesHostPluginFieldAndValue() {
        String json = "{\"host\":\"web1\",\"plugin\":\"if_eth0\",\"time\":10,\"values\":{\"down\":\"x\"}}";
        assertThatThrownBy(() -> BatchCodec.decodeBatch(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CodecException.class)
                .hasMessage("host web1, plugin if_eth0, field down: value '\"x\"' is not a number");
    }

    @Test
    void badTypeInMetadataIsNamed() {
        String json = "{\"host\":\"web1\",\"plugin\":\"cpu\",\"time\":10,\"values\":{},"
                + "\"meta\":{\"name\":\"cpu\",\"fields\":[{\"name\":\"user\",\"type\":\"SPEED\"}]}}";
        assertThatThrownBy(() -> BatchCodec.decodeBatch(json.getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("host web1, plugin cpu, meta: plugin cpu, field user")
                .hasMessageContaining("type 'SPEED' is not one of GAUGE, COUNTER, DERIVE, ABSOLUTE");
    }

    @Test
    void hostileNamesAreRejected() {
        String json = "{\"host\":\"../etc\",\"plugin\":\"cpu\",\"time\":10,\"values\":{}}";
        assertThatThrownBy(() -> BatchCodec.decodeBatch(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("host '../etc' is not a valid host name");
        String field = "{\"host\":\"h\",\"plugin\":\"cpu\",\"time\":10,\"values\":{\"<script>\":1}}";
        assertThatThrownBy(() -> BatchCodec.decodeBatch(field.getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("field '<script>' is not a valid field name");
    }

    @Test
    void unknownKeysTruncatedJsonAndBadTimesAreRejected() {
        assertThatThrownBy(() -> BatchCodec.decodeBatch(
                "{\"host\":\"h\",\"plugin\":\"p\",\"time\":1,\"values\":{},\"colour\":1}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("host h, plugin p: unknown key 'colour'");
        assertThatThrownBy(() -> BatchCodec.decodeBatch("{\"host\":\"h\",".getBytes(StandardCharsets.UTF_8)))
                .hasMessageStartingWith("batch is not valid JSON");
        assertThatThrownBy(() -> BatchCodec.decodeBatch(
                "{\"host\":\"h\",\"plugin\":\"p\",\"time\":\"soon\",\"values\":{}}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("host h, plugin p: time '\"soon\"' is not an epoch second");
    }

    @Test
    void aBadOptionalMetadataValueIsQuotedWithWhatItMustBe() {
        assertThatThrownBy(() -> plugin("\"title\":5,"))
                .hasMessage("plugin cpu: title '5' is not text");
        assertThatThrownBy(() -> plugin("\"width\":-3,"))
                .hasMessage("plugin cpu: width '-3' is not a positive whole number");
        assertThatThrownBy(() -> plugin("\"scale\":\"no\","))
                .hasMessage("plugin cpu: scale '\"no\"' is not true or false");
        assertThatThrownBy(() -> plugin("\"fields\":[{\"name\":\"user\",\"min\":\"x\"}],"))
                .hasMessage("plugin cpu, field user: min '\"x\"' is not a number");
        assertThat(plugin("\"title\":null,\"width\":null,").title()).isEqualTo("cpu");
        assertThat(plugin("").scale()).isTrue();
    }

    private static Plugin plugin(String keys) {
        return BatchCodec.decodePlugin(("{" + keys + "\"name\":\"cpu\"}").getBytes(StandardCharsets.UTF_8));
    }
}
