package io.dicemesh.node.net;

import io.dicemesh.protocol.WireLimits;
import java.net.Inet6Address;
import java.net.InetSocketAddress;

/**
 * A {@code "host:port"} address as nodes advertise it (IPv6 literals in brackets). Parsing checks the shape only
 * and never resolves a name.
 */
public record HostPort(String host, int port) {
    static final int PORT_MAX = 65_535;

    public HostPort {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("an address needs a host");
        }
        if (port < 1 || port > PORT_MAX) {
            throw new IllegalArgumentException("port " + port + " is not in 1.." + PORT_MAX);
        }
    }

    /** Parses {@code host:port} or {@code [v6]:port}; throws IllegalArgumentException naming what is wrong. */
    public static HostPort parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty address");
        }
        if (text.length() > WireLimits.ADDR_CHARS_MAX) {
            throw new IllegalArgumentException("address longer than " + WireLimits.ADDR_CHARS_MAX + " characters");
        }
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "' is not [v6-address]:port");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            if (!host.matches("[0-9A-Fa-f:.]+")) {
                throw new IllegalArgumentException("'" + host + "' is not an IPv6 literal");
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("'" + text + "' is not host:port");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (!host.matches("[A-Za-z0-9.\\-]+")) {
                throw new IllegalArgumentException("'" + host + "' is not a host name or IPv4 address");
            }
        }
        if (!port.matches("[0-9]{1,5}")) {
            throw new IllegalArgumentException("'" + port + "' is not a port number");
        }
        return new HostPort(host, Integer.parseInt(port));
    }

    /**
     * Parses an address a peer supplies: an IP literal only. A name would have to be resolved, and Netty resolves
     * on the channel's event loop, which also runs dialing and gossip: one slow DNS answer stalls them all.
     */
    public static HostPort parseLiteral(String text) {
        HostPort hp = parse(text);
        if (!hp.isLiteral()) {
            throw new IllegalArgumentException("'" + hp.host() + "' is not an IP address (peers advertise IP"
                    + " literals only)");
        }
        return hp;
    }

    /** Whether the host is an IPv4 or IPv6 literal (no name to resolve). */
    public boolean isLiteral() {
        return com.google.common.net.InetAddresses.isInetAddress(host);
    }

    /** The socket address of an IP literal, made without any lookup. */
    InetSocketAddress literalAddress() {
        return new InetSocketAddress(com.google.common.net.InetAddresses.forString(host), port);
    }

    /** The address of a bound or connected socket, as an IP literal. */
    static HostPort of(InetSocketAddress address) {
        if (address.isUnresolved()) {
            return new HostPort(address.getHostString(), address.getPort());
        }
        String ip = address.getAddress().getHostAddress();
        if (address.getAddress() instanceof Inet6Address) {
            int zone = ip.indexOf('%');
            ip = zone < 0 ? ip : ip.substring(0, zone);
        }
        return new HostPort(ip, address.getPort());
    }

    /** Any socket address as {@code host:port} text, for messages (no validation; port 0 allowed). */
    static String text(InetSocketAddress address) {
        String host = address.isUnresolved() ? address.getHostString() : address.getAddress().getHostAddress();
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + address.getPort() : host + ":" + address.getPort();
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
