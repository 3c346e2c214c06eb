package com.pipelinepulse.ratelimit;

import com.pipelinepulse.crypto.Sha256;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;

/** How callers become bucket and throttle keys. */
final class ClientKeys {

    private ClientKeys() {
    }

    /**
     * An IPv4 address as it is; an IPv6 address by its /64, because one subscriber usually holds a whole /64 and
     * could otherwise rotate through billions of buckets.
     */
    static String forAddress(String address) {
        if (address != null && address.indexOf(':') >= 0) {
            try {
                InetAddress parsed = InetAddress.getByName(address);
                if (parsed instanceof Inet6Address) {
                    byte[] bytes = parsed.getAddress();
                    for (int i = 8; i < 16; i++) {
                        bytes[i] = 0;
                    }
                    return "ip:" + InetAddress.getByAddress(bytes).getHostAddress() + "/64";
                }
                return "ip:" + parsed.getHostAddress();
            } catch (UnknownHostException e) {
                // Not an address (cannot happen for what the resolver stores): fall through to the raw value.
            }
        }
        return "ip:" + address;
    }

    /** A user by a digest of the principal name, so that the bucket table holds no email address. */
    static String forUser(String principalName) {
        return "user:" + HexFormat.of().formatHex(Sha256.of(principalName), 0, 16);
    }
}
