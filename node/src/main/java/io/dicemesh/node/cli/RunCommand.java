package io.dicemesh.node.cli;

import io.dicemesh.node.api.AdminServer;
import io.dicemesh.node.api.ApiFile;
import io.dicemesh.node.daemon.DaemonConfig;
import io.dicemesh.node.daemon.DataDir;
import io.dicemesh.node.daemon.NodeDaemon;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the node: the mesh, the RocksDB ledger in the data dir and the local admin API, until "
                + "SIGTERM or Ctrl-C (then in-flight slots finish first).",
            "Settings come from DIR/dicemesh.properties (listen, advertise, api-port, join, auto-accept-invites, "
                + "shutdown-wait-ms), overridden by these flags. The API's port and token go to DIR/api.json "
                + "(mode 0600) for the client commands."})
final class RunCommand implements Callable<Integer> {
    /** How long a second shutdown request (the JVM's hook) waits for the first one to finish. */
    private static final long SHUTDOWN_JOIN_MS = 60_000;

    @Mixin
    DataDirOption dataDirOption;

    @Option(names = "--listen", paramLabel = "HOST:PORT",
            description = "Mesh address to accept peers on (default " + DaemonConfig.DEFAULT_LISTEN + ").")
    String listen;

    @Option(names = "--advertise", paramLabel = "IP:PORT",
            description = "Address peers should dial, an IP literal (default: the listen address).")
    String advertise;

    @Option(names = "--api-port", paramLabel = "N",
            description = "Admin API port on 127.0.0.1 (default " + DaemonConfig.DEFAULT_API_PORT
                    + "; 0: any free port).")
    Integer apiPort;

    @Option(names = "--join", paramLabel = "HOST:PORT",
            description = "A peer to dial at start (repeatable); a name is looked up once, at start.")
    List<String> join;

    @Option(names = "--auto-accept-invites", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            description = "Accept table invites without 'dicemesh table join' (default false).")
    Boolean autoAcceptInvites;

    @Spec
    CommandSpec spec;

    private record Running(NodeDaemon daemon, AdminServer api, ApiFile file, Path dataDir) {
    }

    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread hook = new Thread(this::shutdown, "dicemesh-shutdown");
    private Running running;
    /** A shutdown has begun (guarded by this). */
    private boolean closing;
    private volatile boolean stopRequested;

    @Override
    public Integer call() {
        DataDir dir = dataDirOption.dataDir();
        DaemonConfig config;
        try {
            config = DaemonConfig.load(dir.root(), new DaemonConfig.Overrides(listen, advertise, apiPort, join,
                    autoAcceptInvites));
        } catch (IllegalArgumentException e) {
            throw new CliErrors.UserError(e.getMessage());
        }
        NodeDaemon daemon;
        try {
            daemon = NodeDaemon.start(dir, config);
        } catch (NodeDaemon.DaemonException e) {
            throw new CliErrors.UserError(e.getMessage());
        }
        String token = AdminServer.newToken(new SecureRandom());
        AdminServer api;
        try {
            api = AdminServer.start(daemon, config.apiPort(), token, AdminServer.Limits.defaults());
        } catch (IOException e) {
            daemon.close();
            throw new CliErrors.UserError(e.getMessage() + " (choose another port with --api-port, 0 for any)");
        }
        ApiFile file = new ApiFile(api.port(), token, ProcessHandle.current().pid());
        synchronized (this) {
            if (stopRequested) {
                api.close();
                daemon.close();
                return 0;
            }
            try {
                file.write(dir.root());
            } catch (IOException e) {
                api.close();
                daemon.close();
                throw new CliErrors.UserError("cannot write " + ApiFile.path(dir.root()) + ": " + e.getMessage());
            }
            running = new Running(daemon, api, file, dir.root());
            Runtime.getRuntime().addShutdownHook(hook);
        }
        String mesh = config.advertise() != null ? config.advertise()
                : config.listen().getHostString() + ":" + daemon.meshPort();
        spec.commandLine().getOut().println("node " + daemon.id().hex() + " mesh " + mesh + " api 127.0.0.1:"
                + api.port());
        return waitForStop(daemon);
    }

    /** Waits for a shutdown; stops the node on its own (exit 1) if its engine dies. */
    private int waitForStop(NodeDaemon daemon) {
        try {
            while (!stopped.await(1, TimeUnit.SECONDS)) {
                if (!daemon.healthy() && !stopRequested) {
                    LoggerFactory.getLogger(RunCommand.class).error("the node's engine stopped; shutting down");
                    shutdown();
                    return CliErrors.FAILED;
                }
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdown();
            return 0;
        }
    }

    /**
     * Graceful stop (the SIGTERM/SIGINT hook, and tests): the API stops taking requests, the node finishes its
     * in-flight slots and stops, then the API closes and api.json goes. Safe to call more than once.
     */
    void shutdown() {
        Running r;
        boolean otherIsClosing;
        synchronized (this) {
            stopRequested = true;
            r = running;
            running = null;
            otherIsClosing = r == null && closing;
            closing |= r != null;
        }
        if (r == null) {
            if (otherIsClosing) {
                try {
                    stopped.await(SHUTDOWN_JOIN_MS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return;
        }
        try {
            r.api().stopAccepting();
            r.daemon().close();
            r.api().close();
        } finally {
            r.file().deleteIfOurs(r.dataDir());
            if (Thread.currentThread() != hook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // the JVM is already shutting down; the hook will find nothing left to do
                }
            }
            stopped.countDown();
        }
    }
}
