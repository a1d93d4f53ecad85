package org.numeter.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PollerAddressTest {

    @Test
    void acceptsHttpAndRedisUrls() {
        assertThat(PollerAddress.of("web1", "http://10.0.0.1:8081", null).url().getPort()).isEqualTo(8081);
        assertThat(PollerAddress.of("web1", "https://web1.example:8443", "t").token()).isEqualTo("t");
        assertThat(PollerAddress.of("web1", "redis://10.0.0.1:6379", " ").token()).isNull();
    }

    @Test
    void refusesOtherSchemesAndBadHostsNamingThem() {
        assertThatThrownBy(() -> PollerAddress.of("web1", "ftp://x", null))
                .hasMessage("poller web1: url 'ftp://x' is not an http, https, redis or rediss URL");
        assertThatThrownBy(() -> PollerAddress.of("web1", "http://a b", null))
                .hasMessage("poller web1: url 'http://a b' is not a URL");
        assertThatThrownBy(() -> PollerAddress.of("a/b", "http://x:1", null)).hasMessageContaining("host 'a/b'");
    }

    @Test
    void neverShowsPasswordsOrTokens() {
        PollerAddress a = PollerAddress.of("web1", "redis://:hunter2@10.0.0.1:6379", "tok3n");
        assertThat(a.safeUrl()).isEqualTo("redis://***@10.0.0.1:6379");
        assertThat(a.toString()).doesNotContain("hunter2").doesNotContain("tok3n");
        assertThatThrownBy(() -> PollerAddress.of("web1", "ftp://u:hunter2@x", null))
                .message().doesNotContain("hunter2");
    }

    @Test
    void parsesTheConfigurationListAndNamesEveryBadEntry() {
        assertThat(PollerAddress.parseList(List.of("web1 http://10.0.0.1:4950 tok", "web2=http://10.0.0.2:4950"),
                "collector.pollers")).extracting(PollerAddress::host, a -> a.url().toString(), PollerAddress::token)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("web1", "http://10.0.0.1:4950", "tok"),
                        org.assertj.core.groups.Tuple.tuple("web2", "http://10.0.0.2:4950", null));
        assertThatThrownBy(() -> PollerAddress.parseList(List.of("web1", "web2=ftp://x"), "collector.pollers"))
                .hasMessage("collector.pollers entry 1: 'web1' is not 'host url [token]'; "
                        + "collector.pollers entry 2: poller web2: url 'ftp://x' is not an http, https, redis or"
                        + " rediss URL");
    }
}
