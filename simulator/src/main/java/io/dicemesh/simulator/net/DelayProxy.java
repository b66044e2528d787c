package io.dicemesh.simulator.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy that makes a link look like a WAN (these kernels have no {@code netem}): every chunk read is written
 * on after a one-way delay of {@code delayMs} plus or minus {@code jitterMs}, in order (a chunk never overtakes the
 * one before it, as on a TCP stream), and a fraction {@code holdProbability} of chunks is held back a further
 * {@code holdMs} with everything behind it, as a lost segment and its retransmission stall a stream. A side that
 * cannot keep up stops the other from being read, so what waits is at most what arrives within the delay (the
 * link's rate times the delay, as on a real WAN). Part of the test kit: each node advertises its proxy's address,
 * so every connection crosses the proxy of the node it dialed, once each way: a round trip costs twice the delay.
 */
public final class DelayProxy implements AutoCloseable {
    /** The WAN profile of the transport issue: 20 ms +- 5 ms each way, 1% of writes held back 200 ms. */
    public record Profile(long delayMs, long jitterMs, double holdProbability, long holdMs) {
        public static Profile wan() {
            return new Profile(20, 5, 0.01, 200);
        }

        public Profile {
            if (delayMs < 0 || jitterMs < 0 || jitterMs > delayMs || holdProbability < 0 || holdProbability > 1
                    || holdMs < 0) {
                throw new IllegalArgumentException("delay " + delayMs + " +- " + jitterMs + " ms, hold "
                        + holdProbability + " x " + holdMs + " ms");
            }
        }
    }

    private final EventLoopGroup group;
    private final Channel server;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong held = new AtomicLong();
    /** Source addresses whose connections are cut: closed now and refused until restored. */
    private final java.util.Set<java.net.InetAddress> cut = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Open client-side channels, so a cut can close those of its source. */
    private final java.util.Set<Channel> clients = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private DelayProxy(EventLoopGroup group, Channel server) {
        this.group = group;
        this.server = server;
    }

    /** Listens on {@code listen} and forwards every connection to {@code target} through {@code profile}. */
    public static DelayProxy start(InetSocketAddress listen, InetSocketAddress target, Profile profile, long seed)
            throws IOException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("delay-proxy"),
                NioIoHandler.newFactory());
        DelayProxy[] self = new DelayProxy[1];
        SplittableRandom seeds = new SplittableRandom(seed);
        var bind = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel inbound) {
                        self[0].splice(inbound, target, profile, seeds.split());
                    }
                }).bind(listen).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("delay proxy cannot listen on " + listen + ": " + bind.cause().getMessage(),
                    bind.cause());
        }
        self[0] = new DelayProxy(group, bind.channel());
        return self[0];
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Bytes forwarded so far, both ways. */
    public long bytes() {
        return bytes.get();
    }

    /**
     * Cuts every connection from {@code source} (closed now, new ones refused) until {@link #restore}: the link
     * from a node that dials from that address goes down, as if its cable were pulled.
     */
    public void cut(java.net.InetAddress source) {
        cut.add(source);
        for (Channel c : clients) {
            if (c.remoteAddress() instanceof InetSocketAddress from && from.getAddress().equals(source)) {
                c.close();
            }
        }
    }

    /** Lets connections from {@code source} through again. */
    public void restore(java.net.InetAddress source) {
        cut.remove(source);
    }

    /** Chunks held back so far. */
    public long held() {
        return held.get();
    }

    private void splice(SocketChannel inbound, InetSocketAddress target, Profile profile, SplittableRandom random) {
        clients.add(inbound); // before the check, so a cut that lands meanwhile finds it and closes it
        inbound.closeFuture().addListener(f -> clients.remove(inbound));
        if (cut.contains(inbound.remoteAddress().getAddress())) {
            inbound.close();
            return;
        }
        ChannelFuture connecting = new Bootstrap().group(inbound.eventLoop()).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(target);
        // the client may leave (or be cut) while the connection to the target is being made: abandon that one (both
        // run on the client's event loop; once spliced, the Delayers close each side after what is queued for it)
        inbound.closeFuture().addListener(f -> {
            if (!connecting.isDone()) {
                connecting.channel().close();
            }
        });
        connecting.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess() || !inbound.isActive()) {
                f.channel().close();
                inbound.close();
                return;
            }
            Channel outbound = f.channel();
            inbound.pipeline().addLast(new Delayer(outbound, profile, random.split()));
            outbound.pipeline().addLast(new Delayer(inbound, profile, random.split()));
            inbound.read();
            outbound.read();
        });
    }

    /**
     * Reads one side and writes to the other after the profile's delay, in order: chunks wait in one queue with
     * non-decreasing due times, and one timer writes every chunk that is due (separate timers per chunk could fire
     * out of order when their due times tie).
     */
    private final class Delayer extends ChannelInboundHandlerAdapter {
        private final Channel to;
        private final Profile profile;
        private final SplittableRandom random;
        private final java.util.ArrayDeque<Object[]> queue = new java.util.ArrayDeque<>();
        private long lastDueNs;
        private boolean timerSet;

        Delayer(Channel to, Profile profile, SplittableRandom random) {
            this.to = to;
            this.profile = profile;
            this.random = random;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf chunk = (ByteBuf) msg;
            bytes.addAndGet(chunk.readableBytes());
            long delayMs = profile.delayMs() + (profile.jitterMs() == 0 ? 0
                    : random.nextLong(-profile.jitterMs(), profile.jitterMs() + 1));
            if (random.nextDouble() < profile.holdProbability()) {
                delayMs += profile.holdMs();
                held.incrementAndGet();
            }
            long dueNs = Math.max(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs), lastDueNs);
            lastDueNs = dueNs;
            queue.add(new Object[] {dueNs, chunk});
            armTimer(ctx);
        }

        private void armTimer(ChannelHandlerContext ctx) {
            if (timerSet || queue.isEmpty()) {
                return;
            }
            timerSet = true;
            long waitNs = Math.max(0, (long) queue.peek()[0] - System.nanoTime());
            ctx.executor().schedule(() -> {
                timerSet = false;
                writeDue(ctx);
            }, waitNs, TimeUnit.NANOSECONDS);
        }

        private void writeDue(ChannelHandlerContext ctx) {
            long nowNs = System.nanoTime();
            boolean wrote = false;
            while (!queue.isEmpty() && (long) queue.peek()[0] <= nowNs) {
                ByteBuf chunk = (ByteBuf) queue.poll()[1];
                if (to.isActive()) {
                    to.write(chunk).addListener((ChannelFutureListener) w -> {
                        if (!w.isSuccess()) {
                            ctx.close();
                        }
                    });
                    wrote = true;
                } else {
                    ReferenceCountUtil.release(chunk);
                }
            }
            if (wrote) {
                to.flush();
            }
            if (!queue.isEmpty()) {
                armTimer(ctx);
            } else if (closing) {
                to.close();
            }
        }

        private boolean closing;

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (to.isWritable()) {
                ctx.read();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            // This side's own outbound queue drained: the other side may be read again.
            if (ctx.channel().isWritable()) {
                to.read();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // Close the other side once what is queued for it has been written.
            closing = true;
            if (queue.isEmpty()) {
                to.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(1_000);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
    }
}
