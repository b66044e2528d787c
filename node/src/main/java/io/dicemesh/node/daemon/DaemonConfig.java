package io.dicemesh.node.daemon;

import io.dicemesh.node.net.HostPort;
import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * How a node daemon runs: read from {@code dicemesh.properties} in the data dir, then overridden by command-line
 * flags. Every value is checked; a bad one is one clear message naming the key or flag.
 *
 * @param listen            mesh address to accept peers on
 * @param advertise         "host:port" peers should dial (null: the listen address)
 * @param apiPort           admin API port on 127.0.0.1 (0: any free port; the chosen one is written to api.json)
 * @param join              peers to dial at start
 * @param autoAcceptInvites accept table invites without {@code dicemesh table join}
 * @param shutdownWaitMs    how long a graceful shutdown waits for in-flight slots
 * @param dialFrom          the local IP this node's dials leave from (file setting {@code dial-from}), or null for
 *                          the one the system picks
 */
public record DaemonConfig(InetSocketAddress listen, String advertise, int apiPort, List<InetSocketAddress> join,
        boolean autoAcceptInvites, long shutdownWaitMs, java.net.InetAddress dialFrom) {

    public static final String FILE_NAME = "dicemesh.properties";
    public static final String DEFAULT_LISTEN = "127.0.0.1:7600";
    public static final int DEFAULT_API_PORT = 7700;
    public static final long DEFAULT_SHUTDOWN_WAIT_MS = 10_000;
    private static final Set<String> KEYS = Set.of("listen", "advertise", "api-port", "join", "auto-accept-invites",
            "shutdown-wait-ms", "dial-from");

    /** Values given on the command line; null means "not given". */
    public record Overrides(String listen, String advertise, Integer apiPort, List<String> join,
            Boolean autoAcceptInvites) {
    }

    /** The config file (if any) with the flags on top. */
    public static DaemonConfig load(Path dataDir, Overrides flags) {
        Properties file = new Properties();
        Path path = dataDir.resolve(FILE_NAME);
        if (Files.exists(path)) {
            try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                file.load(r);
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException("cannot read " + path + ": " + e.getMessage());
            }
            for (String key : file.stringPropertyNames()) {
                if (!KEYS.contains(key)) {
                    throw new IllegalArgumentException(path + ": unknown setting '" + key + "' (known: "
                            + String.join(", ", KEYS.stream().sorted().toList()) + ")");
                }
            }
        }
        String listen = flags.listen() != null ? flags.listen() : file.getProperty("listen", DEFAULT_LISTEN);
        String advertise = flags.advertise() != null ? flags.advertise() : file.getProperty("advertise");
        int apiPort = flags.apiPort() != null ? flags.apiPort()
                : parseInt("api-port", file.getProperty("api-port", Integer.toString(DEFAULT_API_PORT)));
        List<String> join = flags.join() != null && !flags.join().isEmpty() ? flags.join()
                : split(file.getProperty("join", ""));
        boolean accept = flags.autoAcceptInvites() != null ? flags.autoAcceptInvites()
                : parseBoolean("auto-accept-invites", file.getProperty("auto-accept-invites", "false"));
        long wait = parseInt("shutdown-wait-ms", file.getProperty("shutdown-wait-ms",
                Long.toString(DEFAULT_SHUTDOWN_WAIT_MS)));
        if (apiPort < 0 || apiPort > 65_535) {
            throw new IllegalArgumentException("api port must be 0..65535, not " + apiPort);
        }
        if (advertise != null) {
            try {
                HostPort.parseLiteral(advertise);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("advertise must be IP:PORT (peers accept IP literals only), not '"
                        + advertise + "'");
            }
        }
        List<InetSocketAddress> joins = new ArrayList<>();
        for (String j : join) {
            joins.add(address("join", j));
        }
        String dialFrom = file.getProperty("dial-from");
        return new DaemonConfig(listenAddress(listen), advertise, apiPort, List.copyOf(joins), accept, wait,
                dialFrom == null ? null : ipLiteral("dial-from", dialFrom.trim()));
    }

    private static java.net.InetAddress ipLiteral(String key, String value) {
        try {
            String bare = value.startsWith("[") && value.endsWith("]") ? value.substring(1, value.length() - 1) : value;
            java.net.InetAddress a = com.google.common.net.InetAddresses.forString(bare); // a literal: no lookup
            if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
                throw new IllegalArgumentException(key + " must be one address of this host, not '" + value + "'");
            }
            return a;
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(key)) {
                throw e;
            }
            throw new IllegalArgumentException(key + " must be an IP address, not '" + value + "'");
        }
    }

    /** Like {@link #address} but port 0 (any free port) is allowed. */
    private static InetSocketAddress listenAddress(String value) {
        if (value.endsWith(":0")) {
            InetSocketAddress a = address("listen", value.substring(0, value.length() - 2) + ":1");
            return new InetSocketAddress(a.getHostString(), 0);
        }
        return address("listen", value);
    }

    private static InetSocketAddress address(String what, String value) {
        try {
            HostPort hp = HostPort.parse(value);
            // a name is looked up here, once, on the starting thread: never later on an event loop
            InetSocketAddress resolved = new InetSocketAddress(hp.host(), hp.port());
            if (resolved.isUnresolved()) {
                throw new IllegalArgumentException(what + " address '" + value + "': cannot resolve " + hp.host());
            }
            return resolved;
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().contains("cannot resolve")) {
                throw e;
            }
            throw new IllegalArgumentException(what + " must be HOST:PORT, not '" + value + "'");
        }
    }

    private static int parseInt(String key, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, not '" + value + "'");
        }
    }

    private static boolean parseBoolean(String key, String value) {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(key + " must be true or false, not '" + value + "'");
        }
        return v.equals("true");
    }

    private static List<String> split(String csv) {
        List<String> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }
}
