package org.numeter.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.numeter.model.SampleBatch;

class RecordCodecTest {
    private static final long T = 1_700_000_000L;

    private static SampleBatch cpu(boolean withMeta) {
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("down", 123456.0);
        values.put("up", Double.NaN);
        values.put("_x2", -0.5);
        return new SampleBatch("web1.example.org", "if_eth0", T, values, withMeta ? BatchCodecTest.ifEth0() : null);
    }

    @Test
    void aBatchRoundTripsWithItsMetadataUnknownsAndOrder() {
        SampleBatch batch = cpu(true);

        byte[] record = RecordCodec.encode(batch);
        SampleBatch back = RecordCodec.decode(record);

        assertThat(record[0]).isEqualTo(RecordCodec.V2);
        assertThat(back.host()).isEqualTo("web1.example.org");
        assertThat(back.timestamp()).isEqualTo(T);
        assertThat(back.values().keySet()).containsExactly("down", "up", "_x2");
        assertThat(back.values().get("up")).isNaN();
        assertThat(back.meta()).isEqualTo(batch.meta());
        assertThat(RecordCodec.decode(RecordCodec.encode(cpu(false))).meta()).isNull();
    }

    @Test
    void theEnvelopeSaysHostPluginTimeAndCountWithoutTheValues() {
        RecordCodec.Envelope e = RecordCodec.envelope(RecordCodec.encode(cpu(false)));

        assertThat(e.host()).isEqualTo("web1.example.org");
        assertThat(e.plugin()).isEqualTo("if_eth0");
        assertThat(e.time()).isEqualTo(T);
        assertThat(e.values()).isEqualTo(3);
        assertThat(e.metaAt()).isEqualTo(-1);
    }

    @Test
    void bothFormatsAreReadWhereverARecordIsRead() {
        byte[] v1 = BatchCodec.encode(cpu(true));

        assertThat(RecordCodec.isV2(v1)).isFalse();
        assertThat(RecordCodec.decode(v1)).isEqualTo(RecordCodec.decode(RecordCodec.encode(cpu(true))));
        assertThat(RecordCodec.envelope(v1).host()).isEqualTo("web1.example.org");
        assertThat(RecordCodec.toV1(v1)).isSameAs(v1);
        assertThat(new String(RecordCodec.toV1(RecordCodec.encode(cpu(true))), StandardCharsets.UTF_8))
                .isEqualTo(new String(v1, StandardCharsets.UTF_8));
    }

    @Test
    void aRecordIsAQuarterSmallerThanItsJson() {
        byte[] v1 = BatchCodec.encode(cpu(false));
        byte[] v2 = RecordCodec.encode(cpu(false));

        assertThat(v2.length).isLessThan(v1.length * 3 / 4);
    }

    @Test
    void everyFaultIsFoundByTheEnvelopeAndNamed() {
        byte[] good = RecordCodec.encode(cpu(false));
        // host at 12: length 16, then "web1.example.org"; plugin at 29: length 7, "if_eth0"; values at 37
        assertThatThrownBy(() -> RecordCodec.envelope(Arrays.copyOf(good, good.length - 3)))
                .isInstanceOf(CodecException.class)
                .hasMessage("host web1.example.org, plugin if_eth0: record ends inside value 3 of 3");
        assertThatThrownBy(() -> RecordCodec.envelope(Arrays.copyOf(good, good.length + 2)))
                .hasMessage("host web1.example.org, plugin if_eth0: 2 bytes after the last value");
        assertThatThrownBy(() -> RecordCodec.envelope(Arrays.copyOf(good, 8)))
                .hasMessage("v2 record of 8 bytes is shorter than its envelope");

        byte[] badHost = good.clone();
        badHost[13] = '-';
        assertThatThrownBy(() -> RecordCodec.envelope(badHost))
                .hasMessage("v2 record: host '-eb1.example.org' is not a valid host name");
        byte[] badField = good.clone();
        badField[38] = '9';
        assertThatThrownBy(() -> RecordCodec.envelope(badField))
                .hasMessage("host web1.example.org, plugin if_eth0: field '9own' is not a valid field name");
        byte[] infinite = good.clone();
        RecordCodec.putLong(infinite, 42, Double.doubleToRawLongBits(Double.POSITIVE_INFINITY));
        assertThatThrownBy(() -> RecordCodec.envelope(infinite))
                .hasMessage("host web1.example.org, plugin if_eth0: value 1 is infinite");
        byte[] noTime = good.clone();
        RecordCodec.putLong(noTime, 2, 0);
        assertThatThrownBy(() -> RecordCodec.envelope(noTime))
                .hasMessage("host web1.example.org, plugin if_eth0: time 0 is not a positive epoch second");
        byte[] flagged = good.clone();
        flagged[1] = 1;
        assertThatThrownBy(() -> RecordCodec.envelope(flagged))
                .hasMessage("host web1.example.org, plugin if_eth0: metadata flagged but absent");
    }

    @Test
    void metadataForAnotherPluginOrUnreadableIsFoundByTheEnvelope() {
        SampleBatch batch = cpu(false);
        byte[] withMeta = RecordCodec.encode(batch.withMeta(BatchCodecTest.ifEth0()));
        byte[] wrong = withMeta.clone();
        int metaAt = RecordCodec.envelope(withMeta).metaAt();
        wrong[metaAt] = '[';

        assertThatThrownBy(() -> RecordCodec.envelope(wrong)).isInstanceOf(CodecException.class)
                .hasMessageStartingWith("plugin metadata is not valid JSON");
        assertThatThrownBy(() -> RecordCodec.decode(wrong)).isInstanceOf(CodecException.class);
    }

    @Test
    void aFieldTwiceIsRefusedByTheDecoder() {
        byte[] good = RecordCodec.encode(new SampleBatch("h", "p", T, Map.of("ab", 1.0), null));
        byte[] twice = Arrays.copyOf(good, good.length + 11);
        System.arraycopy(good, good.length - 11, twice, good.length, 11);
        twice[11] = 2;

        assertThat(RecordCodec.envelope(twice).values()).isEqualTo(2);
        assertThatThrownBy(() -> RecordCodec.decode(twice)).hasMessage("host h, plugin p: field ab appears twice");
    }
}
