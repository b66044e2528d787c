package io.dicemesh.node.api;

import com.google.common.io.BaseEncoding;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's local admin API: HTTP/1.1 and JSON on 127.0.0.1 only, each request but the three probes carrying
 * {@code Authorization: Bearer <token>} (the token {@code dicemesh run} keeps in the data dir's api.json). Commands
 * are answered asynchronously when the engine answers (a bet once its slot commits); no Netty thread ever waits.
 * Limits: request bodies ({@link Limits#bodyBytesMax}), requests in flight ({@link Limits#inFlightMax}, past it
 * 503), connections, idle connections, and a timeout per kind of request (past it 504).
 *
 * <pre>
 * route                               body                                 answer (200 unless noted)
 * GET    /health                      -                                    {healthy} (503 when not), no token
 * GET    /ready                       -                                    {ready, reasons[]} (503 when not ready), no token
 * GET    /metrics                     -                                    Prometheus text, no token
 * GET    /v1/id                       -                                    {id}
 * GET    /v1/peers                    -                                    {connected[], known[{id, address, connected}]}
 * POST   /v1/tables                   {players[], stack | stacks[], bank,  201 {table, players}
 *                                      rules?{min_bet, max_bet, odds, view_timeout_ms, dice_timeout_ms}}
 * GET    /v1/tables                   -                                    {tables[summary]}
 * GET    /v1/tables/{id}              -                                    summary + {bank, total, shooter, awaiting_reveals,
 *                                                                          stacks[], felt[], last_dice[], rules}
 * POST   /v1/tables/{id}/join         -                                    {table, joined}
 * POST   /v1/tables/{id}/leave        -                                    intent answer
 * POST   /v1/tables/{id}/bets         {type, amount, number?, on?}         intent answer with bet_id
 * DELETE /v1/tables/{id}/bets/{bet}   -                                    intent answer
 * POST   /v1/tables/{id}/transfers    {to, amount}                         intent answer
 * POST   /v1/tables/{id}/roll         -                                    {table, seq, roll_no, dice[], total, point_before,
 *                                                                          point_after, seven_out, outcomes[], my_stack}
 * GET    /v1/balance                  -                                    {balances[{table, status, stack}]}
 * GET    /v1/tables/{id}/history      ?limit=N (default 50)                {table, entries[{seq, lines[]}]}
 * GET    /v1/tables/{id}/audit        -                                    {table, ok, problems[], slots_checked, last_seq}
 * POST   /v1/backup                   {out: absolute path}                 {backup}
 *
 * summary:        {table, status, players[], seq, roll_no, point, my_stack, accepts}
 * intent answer:  {table, seq, kind, accepted: true, bet_id}, or 409 {error, code: "refused", reason, table, seq, kind}
 * errors:         {error, code}: 400 bad input, 401 token, 404 unknown table or route, 405 method, 409 refused /
 *                 not-seated / not-started / closed, 413 body too large, 503 busy or shutting down, 504 no answer in time
 * </pre>
 */
public final class AdminServer implements AutoCloseable {
    /** Most history entries one request may ask for ({@code ?limit=N}). */
    public static final int HISTORY_LIMIT_MAX = 10_000;
    /** Random bytes in an API token (written as hex). */
    public static final int TOKEN_BYTES = 32;
    /** How long {@link #close} waits for answers in flight and for the event loop to stop. */
    static final long CLOSE_WAIT_MS = 2_000;
    private static final int LEDGER_THREADS = 2;

    /**
     * Largest request body by default: room for a batch of 4,096 bets (about 30 to 80 bytes of JSON each), the
     * most one request may carry.
     */
    public static final int BODY_BYTES_DEFAULT = 384 * 1024;

    /**
     * The server's limits.
     *
     * @param bodyBytesMax     largest request body (413 past it)
     * @param inFlightMax      requests being answered at once (503 past it)
     * @param connectionsMax   open connections (more are closed at once)
     * @param commandTimeoutMs how long a command waits for the engine (bets, take-downs, tables), then 504
     * @param rollTimeoutMs    how long a roll waits for its commit, then 504
     * @param ledgerTimeoutMs  how long audit, history and backup may take, then 504
     * @param idleTimeoutMs    a connection with nothing in flight and no traffic this long is closed
     */
    public record Limits(int bodyBytesMax, int inFlightMax, int connectionsMax, long commandTimeoutMs,
            long rollTimeoutMs, long ledgerTimeoutMs, long idleTimeoutMs) {
        public static Limits defaults() {
            return new Limits(BODY_BYTES_DEFAULT, 64, 128, 30_000, 120_000, 120_000, 300_000);
        }

        public Limits withTimeoutsMs(long commandMs, long rollMs, long ledgerMs) {
            return new Limits(bodyBytesMax, inFlightMax, connectionsMax, commandMs, rollMs, ledgerMs, idleTimeoutMs);
        }

        public Limits withInFlightMax(int max) {
            return new Limits(bodyBytesMax, max, connectionsMax, commandTimeoutMs, rollTimeoutMs, ledgerTimeoutMs,
                    idleTimeoutMs);
        }
    }

    private final byte[] token;
    private final Limits limits;
    private final AdminRoutes routes;
    private final Semaphore inFlight;
    private final AtomicInteger connections = new AtomicInteger();
    private final EventLoopGroup group;
    private final ExecutorService ledgerWork;
    private volatile Channel serverChannel;
    private volatile LoopbackOrigin origin;
    private volatile boolean closing;
    private boolean closed;

    private AdminServer(NodeService service, String token, Limits limits) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.limits = limits;
        this.inFlight = new Semaphore(limits.inFlightMax());
        this.ledgerWork = new ThreadPoolExecutor(LEDGER_THREADS, LEDGER_THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(limits.inFlightMax()), new DefaultThreadFactory("dicemesh-api-ledger", true));
        this.routes = new AdminRoutes(service, ledgerWork, limits);
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("dicemesh-api", true),
                NioIoHandler.newFactory());
    }

    /** A fresh API token: {@value #TOKEN_BYTES} random bytes in hex. */
    public static String newToken(SecureRandom random) {
        byte[] b = new byte[TOKEN_BYTES];
        random.nextBytes(b);
        return BaseEncoding.base16().lowerCase().encode(b);
    }

    /**
     * Binds 127.0.0.1:{@code port} (0: any free port, see {@link #port}) and serves {@code service}. Throws an
     * IOException with one clear line when the port cannot be bound.
     */
    public static AdminServer start(NodeService service, int port, String token, Limits limits) throws IOException {
        if (token == null || token.length() < 16) {
            throw new IllegalArgumentException("an API token has at least 16 characters");
        }
        AdminServer server = new AdminServer(service, token, limits);
        try {
            server.bind(port);
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private void bind(int port) throws IOException {
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new HttpServerCodec(new HttpDecoderConfig().setMaxInitialLineLength(4096)
                                        .setMaxHeaderSize(8192).setMaxChunkSize(8192)))
                                .addLast(new BoundedAggregator(limits.bodyBytesMax()))
                                .addLast(new IdleStateHandler(0, 0, limits.idleTimeoutMs(), TimeUnit.MILLISECONDS))
                                .addLast(new AdminHandler(AdminServer.this));
                    }
                });
        InetSocketAddress at = new InetSocketAddress(loopback(), port);
        var bound = b.bind(at).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            throw new IOException("cannot serve the admin API on " + at.getHostString() + ":" + port + ": "
                    + (cause == null ? "bind failed" : cause.getMessage()), cause);
        }
        serverChannel = bound.channel();
        origin = new LoopbackOrigin((InetSocketAddress) serverChannel.localAddress());
    }

    /** 127.0.0.1 itself, never a wildcard or the host's name. */
    static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bound port (the chosen one when started with port 0). */
    public int port() {
        return address().getPort();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    // ------------------------------------------------------------------ for the handler

    AdminRoutes routes() {
        return routes;
    }

    LoopbackOrigin origin() {
        return origin;
    }

    Limits limits() {
        return limits;
    }

    Semaphore inFlight() {
        return inFlight;
    }

    boolean closing() {
        return closing;
    }

    /** Constant-time check of an Authorization header value. */
    boolean authorized(String header) {
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(header.substring(7).trim().getBytes(StandardCharsets.UTF_8), token);
    }

    /** Counts a new connection; false when there are too many. */
    boolean openConnection() {
        if (connections.incrementAndGet() > limits.connectionsMax()) {
            connections.decrementAndGet();
            return false;
        }
        return true;
    }

    void closeConnection() {
        connections.decrementAndGet();
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Stops taking requests: new connections are refused and new requests on open ones get 503, while answers in
     * flight still go out. Call before stopping the node so clients waiting for a commit get their answer.
     */
    public void stopAccepting() {
        closing = true;
        Channel ch = serverChannel;
        if (ch != null) {
            ch.close().awaitUninterruptibly(CLOSE_WAIT_MS);
        }
    }

    /** Stops taking requests, waits briefly for answers in flight, then stops the event loop and the workers. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopAccepting();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS);
        while (inFlight.availablePermits() < limits.inFlightMax() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        group.shutdownGracefully(0, CLOSE_WAIT_MS, TimeUnit.MILLISECONDS).awaitUninterruptibly(CLOSE_WAIT_MS * 2);
        ledgerWork.shutdownNow();
    }
}
