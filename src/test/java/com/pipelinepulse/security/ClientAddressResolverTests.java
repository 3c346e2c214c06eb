package com.pipelinepulse.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.pipelinepulse.security.ClientAddressProperties.ForwardedHeader;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressResolverTests {

    private static final List<String> PROXIES = List.of("10.0.0.0/8", "2001:db8:aaaa::/48", "192.0.2.10");

    private final ClientAddressResolver xff = new ClientAddressResolver(PROXIES, ForwardedHeader.X_FORWARDED_FOR);
    private final ClientAddressResolver forwarded = new ClientAddressResolver(PROXIES, ForwardedHeader.FORWARDED);

    @Test
    void untrustedPeerIsTheClientWhateverItForwards() {
        assertThat(xff.resolve("198.51.100.7", values("203.0.113.9"))).isEqualTo("198.51.100.7");
    }

    @Test
    void withNoTrustedProxiesTheHeaderIsNeverRead() {
        var none = new ClientAddressResolver(List.of(), ForwardedHeader.X_FORWARDED_FOR);
        assertThat(none.resolve("10.1.2.3", values("203.0.113.9"))).isEqualTo("10.1.2.3");
    }

    @Test
    void trustedPeerYieldsTheRightmostUntrustedHop() {
        // The client forged the first entry; the load balancer appended what it saw, then an inner proxy.
        assertThat(xff.resolve("10.0.0.5", values("1.1.1.1, 203.0.113.9, 10.0.0.4"))).isEqualTo("203.0.113.9");
    }

    @Test
    void severalHeaderLinesAreOneChain() {
        assertThat(xff.resolve("10.0.0.5", values("1.1.1.1", "203.0.113.9"))).isEqualTo("203.0.113.9");
    }

    @Test
    void chainOfOnlyTrustedHopsEndsAtTheLeftmost() {
        assertThat(xff.resolve("10.0.0.5", values("10.9.9.9, 192.0.2.10"))).isEqualTo("10.9.9.9");
    }

    @Test
    void garbageHopStopsTheWalkAtTheLastTrustedAddress() {
        assertThat(xff.resolve("10.0.0.5", values("203.0.113.9, evil.example.com"))).isEqualTo("10.0.0.5");
        assertThat(xff.resolve("10.0.0.5", values("203.0.113.9, 300.1.1.1"))).isEqualTo("10.0.0.5");
    }

    @Test
    void missingHeaderFromTrustedPeerIsThePeer() {
        assertThat(xff.resolve("10.0.0.5", Collections.emptyEnumeration())).isEqualTo("10.0.0.5");
    }

    @Test
    void ipv6PeersAndHopsAreMatchedAndCanonical() {
        assertThat(xff.resolve("2001:db8:aaaa::1", values("2001:DB8:0::7"))).isEqualTo("2001:db8:0:0:0:0:0:7");
        assertThat(xff.resolve("2001:db8:bbbb::1", values("203.0.113.9"))).isEqualTo("2001:db8:bbbb:0:0:0:0:1");
    }

    @Test
    void portsAreIgnored() {
        assertThat(xff.resolve("10.0.0.5", values("203.0.113.9:4711"))).isEqualTo("203.0.113.9");
        assertThat(xff.resolve("10.0.0.5", values("[2001:db8::7]:4711"))).isEqualTo("2001:db8:0:0:0:0:0:7");
    }

    @Test
    void forwardedHeaderIsParsedPerRfc7239() {
        assertThat(forwarded.resolve("10.0.0.5",
                values("for=1.1.1.1, for=\"[2001:db8::17]:4711\";proto=https, for=10.0.0.4;by=10.0.0.5")))
                .isEqualTo("2001:db8:0:0:0:0:0:17");
        assertThat(forwarded.resolve("10.0.0.5", values("for=unknown"))).isEqualTo("10.0.0.5");
    }

    @Test
    void theHeaderNotConfiguredIsIgnored() {
        assertThat(xff.headerName()).isEqualTo("X-Forwarded-For");
        assertThat(forwarded.headerName()).isEqualTo("Forwarded");
    }

    @Test
    void invalidTrustedProxyRefusesToStart() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ClientAddressResolver(List.of("proxy.internal/8"), ForwardedHeader.X_FORWARDED_FOR))
                .withMessageContaining("trusted-proxies");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ClientAddressResolver(List.of("10.0.0.0/33"), ForwardedHeader.X_FORWARDED_FOR))
                .withMessageContaining("prefix");
    }

    @Test
    void hostNamesAreNeverResolved() {
        assertThat(ClientAddressResolver.parseLiteral("localhost")).isNull();
        assertThat(ClientAddressResolver.parseLiteral("1.2.3")).isNull();
        assertThat(ClientAddressResolver.parseLiteral("::ffff:203.0.113.9").getHostAddress()).isEqualTo("203.0.113.9");
    }

    private static java.util.Enumeration<String> values(String... values) {
        return Collections.enumeration(List.of(values));
    }
}
