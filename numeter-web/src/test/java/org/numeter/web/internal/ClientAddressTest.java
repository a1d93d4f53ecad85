package org.numeter.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
    private final ClientAddress behindProxies = ClientAddress.trusting(List.of("127.0.0.1", "10.0.0.0/8", "fd00::/8"));

    @Test
    void withoutTrustedProxiesTheHeaderIsIgnored() {
        ClientAddress none = ClientAddress.trusting(List.of());
        assertThat(none.resolve("203.0.113.7", List.of("198.51.100.1"))).isEqualTo("203.0.113.7");
        assertThat(none.resolve("127.0.0.1", List.of("198.51.100.1"))).isEqualTo("127.0.0.1");
    }

    @Test
    void anUntrustedPeerIsTheClientWhateverItClaims() {
        assertThat(behindProxies.resolve("203.0.113.7", List.of("10.0.0.5, 198.51.100.1")))
                .isEqualTo("203.0.113.7");
    }

    @Test
    void theClientIsTheRightmostAddressNoTrustedProxyIsAt() {
        // the client wrote "1.2.3.4" itself; the TLS proxy appended the address it really came from
        assertThat(behindProxies.resolve("127.0.0.1", List.of("1.2.3.4, 203.0.113.7"))).isEqualTo("203.0.113.7");
        // two proxies, the header split over two lines
        assertThat(behindProxies.resolve("127.0.0.1", List.of("1.2.3.4, 203.0.113.7", "10.1.2.3")))
                .isEqualTo("203.0.113.7");
        assertThat(behindProxies.resolve("::1", List.of("203.0.113.7"))).isEqualTo("::1");
        assertThat(behindProxies.resolve("fd00::1", List.of("2001:db8::7"))).isEqualTo("2001:db8::7");
    }

    @Test
    void aRequestFromInsideOrWithoutTheHeaderIsItsLastTrustedHop() {
        assertThat(behindProxies.resolve("127.0.0.1", List.of())).isEqualTo("127.0.0.1");
        assertThat(behindProxies.resolve("127.0.0.1", List.of("10.9.9.9"))).isEqualTo("10.9.9.9");
        assertThat(behindProxies.resolve("127.0.0.1", List.of("not-an-address, 10.9.9.9"))).isEqualTo("10.9.9.9");
        assertThat(behindProxies.resolve("127.0.0.1", List.of("<script>"))).isEqualTo("127.0.0.1");
    }

    @Test
    void rangesAreMatchedBitByBitAndNamesAreNeverLookedUp() {
        ClientAddress r = ClientAddress.trusting(List.of("192.168.4.0/22"));
        assertThat(r.resolve("192.168.7.255", List.of("203.0.113.7"))).isEqualTo("203.0.113.7");
        assertThat(r.resolve("192.168.8.0", List.of("203.0.113.7"))).isEqualTo("192.168.8.0");
        assertThat(ClientAddress.literal("localhost")).isNull();
        assertThat(ClientAddress.literal("::ffff:10.0.0.1")).containsExactly(10, 0, 0, 1);
    }

    @Test
    void aBadProxyEntryIsRefusedByName() {
        assertThatThrownBy(() -> ClientAddress.trusting(List.of("proxy.example.org")))
                .hasMessage("'proxy.example.org' is not an IP address or a CIDR range (10.0.0.0/8)");
        assertThatThrownBy(() -> ClientAddress.trusting(List.of("10.0.0.0/33")))
                .hasMessage("'10.0.0.0/33' has a prefix length that is not 0 to 32");
    }
}
