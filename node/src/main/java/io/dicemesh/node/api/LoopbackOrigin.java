package io.dicemesh.node.api;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;

/**
 * Who may talk to the admin API: only requests naming this server itself. A page on another site can make a
 * browser send requests to 127.0.0.1 (DNS rebinding points a name the page controls at loopback), but its requests
 * then carry that name as Host, or the page's site as Origin; both are refused, so no page reads {@code /ready} or
 * {@code /metrics} or acts with a token it may have got. A client outside a browser sends no Origin.
 */
final class LoopbackOrigin {
    private final List<String> hosts;

    /** @param bound the loopback address and port the server listens on */
    LoopbackOrigin(InetSocketAddress bound) {
        String ip = bound.getAddress() instanceof Inet6Address ? "[" + bound.getAddress().getHostAddress() + "]"
                : bound.getAddress().getHostAddress();
        if (ip.startsWith("[0:0:0:0:0:0:0:1")) {
            ip = "[::1]";
        }
        int port = bound.getPort();
        this.hosts = List.of(ip + ":" + port, "localhost:" + port);
    }

    /** Why a request with these {@code Host} and {@code Origin} headers is refused (403), or null when it may go on. */
    String problem(String host, String origin) {
        if (host == null || !hosts.contains(host.trim().toLowerCase(Locale.ROOT))) {
            return "this API answers requests for " + hosts.get(0) + " only (Host: " + shown(host) + ")";
        }
        if (origin != null && !hosts.stream().anyMatch(h -> ("http://" + h).equals(origin.trim().toLowerCase(Locale.ROOT)))) {
            return "this API answers no page from another origin (Origin: " + shown(origin) + ")";
        }
        return null;
    }

    private static String shown(String header) {
        return header == null ? "none" : io.dicemesh.node.net.LogSafe.text(header);
    }
}
