package com.pipelinepulse.security;

import com.pipelinepulse.security.ClientAddressProperties.ForwardedHeader;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.security.web.util.matcher.IpAddressMatcher;

/**
 * Decides which address is the client: the socket peer, unless the peer is a trusted proxy, in which case the
 * forwarded chain is walked from the right (the hop the nearest proxy saw) and the first address that is not a
 * trusted proxy wins. Everything left of that hop was written by the client and proves nothing.
 *
 * <p>Only IP literals are accepted; nothing here ever resolves a host name (no DNS on attacker input). Addresses
 * come back in one canonical text form, so that {@code 2001:db8::1} and {@code 2001:0db8:0:0::1} are the same
 * client.
 */
final class ClientAddressResolver {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final int MAX_HOPS = 32;

    private final List<IpAddressMatcher> trusted;
    private final ForwardedHeader header;

    ClientAddressResolver(List<String> trustedProxies, ForwardedHeader header) {
        List<IpAddressMatcher> matchers = new ArrayList<>();
        for (String cidr : trustedProxies == null ? List.<String>of() : trustedProxies) {
            if (cidr != null && !cidr.isBlank()) {
                matchers.add(matcher(cidr.trim()));
            }
        }
        this.trusted = List.copyOf(matchers);
        this.header = header;
    }

    /**
     * @param socketAddress the TCP peer as the container reports it
     * @param headerValues  every value of the configured forwarded header, in arrival order (may be empty)
     */
    String resolve(String socketAddress, Enumeration<String> headerValues) {
        InetAddress current = parseLiteral(socketAddress);
        if (current == null) {
            return socketAddress;
        }
        if (trusted.isEmpty() || !isTrusted(current)) {
            return canonical(current);
        }
        List<String> hops = header == ForwardedHeader.FORWARDED ? forwardedFor(headerValues) : xForwardedFor(headerValues);
        for (int i = hops.size() - 1, walked = 0; i >= 0 && walked < MAX_HOPS; i--, walked++) {
            if (!isTrusted(current)) {
                break;
            }
            InetAddress hop = parseLiteral(stripPort(hops.get(i)));
            if (hop == null) {
                // A trusted proxy would not write garbage: stop at the last address we can vouch for.
                break;
            }
            current = hop;
        }
        return canonical(current);
    }

    String headerName() {
        return header == ForwardedHeader.FORWARDED ? "Forwarded" : "X-Forwarded-For";
    }

    private boolean isTrusted(InetAddress address) {
        String text = address.getHostAddress();
        for (IpAddressMatcher m : trusted) {
            if (m.matches(text)) {
                return true;
            }
        }
        return false;
    }

    private static IpAddressMatcher matcher(String cidr) {
        int slash = cidr.indexOf('/');
        String host = slash < 0 ? cidr : cidr.substring(0, slash);
        InetAddress address = parseLiteral(host);
        if (address == null) {
            throw new IllegalArgumentException("pipelinepulse.security.trusted-proxies: '" + cidr
                    + "' is not an IPv4 or IPv6 address or CIDR range");
        }
        int max = address instanceof Inet4Address ? 32 : 128;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(cidr.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("pipelinepulse.security.trusted-proxies: '" + cidr
                        + "' has an invalid prefix length");
            }
        }
        return new IpAddressMatcher(address.getHostAddress() + "/" + prefix);
    }

    private static List<String> xForwardedFor(Enumeration<String> values) {
        List<String> hops = new ArrayList<>();
        for (String value : values == null ? List.<String>of() : Collections.list(values)) {
            for (String part : value.split(",")) {
                hops.add(part.trim());
            }
        }
        return hops;
    }

    /** The {@code for=} of each RFC 7239 element; an element without one becomes an unusable hop. */
    private static List<String> forwardedFor(Enumeration<String> values) {
        List<String> hops = new ArrayList<>();
        for (String value : values == null ? List.<String>of() : Collections.list(values)) {
            for (String element : splitOutsideQuotes(value, ',')) {
                String found = "";
                for (String pair : splitOutsideQuotes(element, ';')) {
                    int eq = pair.indexOf('=');
                    if (eq > 0 && pair.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("for")) {
                        found = unquote(pair.substring(eq + 1).trim());
                    }
                }
                hops.add(found);
            }
        }
        return hops;
    }

    private static List<String> splitOutsideQuotes(String value, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(current.toString().trim());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString().trim());
        return parts;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }

    /** {@code [v6]:port}, {@code [v6]} and {@code v4:port} become the bare address; a bare IPv6 stays as it is. */
    static String stripPort(String hop) {
        if (hop.startsWith("[")) {
            int close = hop.indexOf(']');
            return close > 0 ? hop.substring(1, close) : hop;
        }
        int colon = hop.indexOf(':');
        if (colon > 0 && colon == hop.lastIndexOf(':')) {
            return hop.substring(0, colon);
        }
        return hop;
    }

    /** An IP literal, or {@code null}; never a DNS lookup. */
    static InetAddress parseLiteral(String text) {
        if (text == null) {
            return null;
        }
        String s = text.trim();
        var v4 = IPV4.matcher(s);
        if (v4.matches()) {
            for (int g = 1; g <= 4; g++) {
                if (Integer.parseInt(v4.group(g)) > 255) {
                    return null;
                }
            }
        } else if (s.indexOf(':') < 0 || !IPV6.matcher(s).matches()) {
            return null;
        }
        try {
            // A literal of the shapes checked above is parsed, never looked up.
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    static String canonical(InetAddress address) {
        return address.getHostAddress();
    }
}
