package org.numeter.web.internal;

import io.javalin.http.Context;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The address of the client behind the configured trusted proxies, for login throttling and logs. A request's peer
 * is the client unless it is a trusted proxy; then {@code X-Forwarded-For} is read from the right (each proxy appends
 * the peer it saw) and the first address that is not a trusted proxy is the client. So a client can put anything in
 * {@code X-Forwarded-For}: it is believed only as far as trusted proxies vouch for it, and without trusted proxies it
 * is ignored.
 */
public final class ClientAddress {
    private static final int MOST_HOPS = 20;

    private final List<Range> trusted;

    private record Range(byte[] network, int bits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int bitsLeft = bits;
            for (int i = 0; i < address.length && bitsLeft > 0; i++, bitsLeft -= 8) {
                int mask = bitsLeft >= 8 ? 0xff : (0xff << (8 - bitsLeft)) & 0xff;
                if ((address[i] & mask) != (network[i] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private ClientAddress(List<Range> trusted) {
        this.trusted = trusted;
    }

    /**
     * @param proxies addresses ({@code 127.0.0.1}, {@code ::1}) or ranges ({@code 10.0.0.0/8}, {@code fd00::/8}) of
     *     the proxies in front of the web; empty to trust none
     * @throws IllegalArgumentException naming the first entry that is neither
     */
    public static ClientAddress trusting(List<String> proxies) {
        List<Range> ranges = new ArrayList<>();
        for (String p : proxies) {
            ranges.add(range(p.trim()));
        }
        return new ClientAddress(List.copyOf(ranges));
    }

    private static Range range(String text) {
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        byte[] address = literal(host);
        if (address == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or a CIDR range (10.0.0.0/8)");
        }
        int bits = address.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > address.length * 8) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length that is not 0 to "
                        + address.length * 8);
            }
        }
        return new Range(address, bits);
    }

    /** The bytes of an IP literal, or null when the text is not one (never a DNS lookup). */
    static byte[] literal(String text) {
        String t = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (t.isEmpty() || t.length() > 45 || !t.matches("[0-9a-fA-F:.]+") || (!t.contains(":") && !ipv4(t))) {
            return null;
        }
        try {
            byte[] b = InetAddress.getByName(t).getAddress();
            // an IPv4 address written as ::ffff:a.b.c.d is that IPv4 address
            if (b.length == 16 && new BigInteger(1, b).shiftRight(32).equals(BigInteger.valueOf(0xffff))) {
                byte[] v4 = new byte[4];
                System.arraycopy(b, 12, v4, 0, 4);
                return v4;
            }
            return b;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean ipv4(String t) {
        return t.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private boolean trusted(String address) {
        byte[] b = literal(address);
        return b != null && trusted.stream().anyMatch(r -> r.contains(b));
    }

    /** The client of this request. */
    public String of(Context ctx) {
        List<String> headers = ctx.req().getHeaders("X-Forwarded-For") == null ? List.of()
                : Collections.list(ctx.req().getHeaders("X-Forwarded-For"));
        return resolve(ctx.req().getRemoteAddr(), headers);
    }

    /** The client, given the peer's address and the {@code X-Forwarded-For} headers in the order received. */
    String resolve(String peer, List<String> forwardedFor) {
        if (!trusted(peer)) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                if (!hop.isBlank()) {
                    hops.add(hop.trim());
                }
            }
        }
        String client = peer;
        for (int i = hops.size() - 1, seen = 0; i >= 0 && seen < MOST_HOPS; i--, seen++) {
            String hop = hops.get(i);
            if (literal(hop) == null) {
                // a trusted proxy would have written an address: what it vouches for ends here
                return client;
            }
            client = hop;
            if (!trusted(hop)) {
                return hop;
            }
        }
        return client;
    }

    @Override
    public String toString() {
        return "ClientAddress{" + trusted.size() + " trusted proxy ranges}";
    }
}
