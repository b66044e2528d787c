package io.dicemesh.node.net;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.RejectReason;
import io.dicemesh.crypto.Rejection;
import io.dicemesh.crypto.Verified;
import io.dicemesh.crypto.VerifyResult;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.WireLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin Netty handler of one connection (one instance per channel): verifies every frame with the
 * {@link io.dicemesh.crypto.EnvelopeVerifier} before anything reads its body, feeds the {@link Handshake} until the
 * channel is bound, then answers Pings, hands PeerLists to gossip and everything else up; on any rejected frame it
 * logs one WARN line, counts the reason and closes the channel. Runs on the channel's event loop, except
 * {@link #trySend} and {@link #closeWith}, which any thread may call.
 */
final class PeerChannel extends ChannelInboundHandlerAdapter implements Links.Link {
    private static final Logger log = LoggerFactory.getLogger(PeerChannel.class);

    /** Least time between two PeerLists read from one peer. */
    static final long PEER_LIST_SPACING_MS_MIN = 50;

    private final NettyTransport transport;
    private final boolean openedBySelf;
    private final Dialer.Target target;
    private final AtomicReference<DisconnectCause> cause = new AtomicReference<>();
    private final Channel channel;
    private Handshake handshake;
    private ScheduledFuture<?> handshakeTimer;
    private boolean admitted;
    private volatile NodeId peer;
    private String peerListenAddr;
    private long lastPeerListNs;

    /** @param target what this dial was for, or null for an accepted connection */
    PeerChannel(NettyTransport transport, Channel channel, boolean openedBySelf, Dialer.Target target) {
        this.transport = transport;
        this.channel = channel;
        this.openedBySelf = openedBySelf;
        this.target = target;
    }

    @Override
    public boolean openedBySelf() {
        return openedBySelf;
    }

    Dialer.Target target() {
        return target;
    }

    /** The peer the handshake proved, or null before that. */
    NodeId peer() {
        return peer;
    }

    /** The id in the peer's verified Hello once it arrived (before the HelloAck proves it), else null. */
    NodeId claimedPeer() {
        Handshake h = handshake;
        return h == null ? null : h.claimedPeer();
    }

    /** The address the peer's Hello says it listens on (empty if it accepts no connections). */
    String peerListenAddr() {
        return peerListenAddr;
    }

    Channel channel() {
        return channel;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        DisconnectCause refused = transport.admit(this);
        if (refused != null) {
            log.info("refusing connection {}: {}", who(), refused.label());
            closeWith(refused);
            return;
        }
        admitted = true;
        handshake = transport.newHandshake(target instanceof Dialer.PeerTarget p ? p.id() : null);
        trySend(handshake.hello());
        handshakeTimer = ctx.executor().schedule(this::handshakeTimedOut, transport.config().handshakeTimeoutMs(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        byte[] bytes;
        try {
            if (cause.get() != null) {
                return;
            }
            bytes = ByteBufUtil.getBytes(frame);
        } finally {
            frame.release();
        }
        transport.counters().frameIn();
        VerifyResult result = transport.verifier().open(bytes);
        if (result instanceof Rejection rejection) {
            reject(rejection.reason(), rejection.detail());
        } else if (peer == null) {
            onHandshakeMessage((Verified) result);
        } else {
            onMessage((Verified) result);
        }
    }

    private void onHandshakeMessage(Verified message) {
        Handshake.Step step = handshake.onMessage(message);
        if (step instanceof Handshake.Reply reply) {
            trySend(reply.envelope());
        } else if (step instanceof Handshake.Done done) {
            cancelHandshakeTimer();
            peerListenAddr = done.listenAddr();
            if (channel.pipeline().get("frames") instanceof FrameCodec.Decoder frames) {
                frames.handshakeDone(); // frames of the full size from here on
            }
            peer = done.peer();
            transport.onBound(this);
        } else {
            Handshake.Failed failed = (Handshake.Failed) step;
            switch (failed.failure()) {
                case UNEXPECTED_KIND -> reject(RejectReason.UNEXPECTED_KIND, failed.detail());
                case INVALID -> misbehaved(DisconnectCause.HANDSHAKE_FAILED, failed.detail());
                case WRONG_PEER -> {
                    if (closeWith(DisconnectCause.HANDSHAKE_FAILED)) {
                        log.info("closing {}: {}", who(), LogSafe.text(failed.detail()));
                    }
                }
                case SELF_CONNECTION -> {
                    if (closeWith(DisconnectCause.SELF_CONNECTION)) {
                        log.debug("closing {}: it connects this node to itself", who());
                    }
                }
            }
        }
    }

    /** One exhaustive dispatch of what a bound peer sends: mesh kinds here, the rest up to the handler. */
    private void onMessage(Verified message) {
        switch (message.kind()) {
            case PING -> {
                if (signedByPeer(message)) {
                    transport.sendPong(this, message.body().getPing());
                }
            }
            case PONG -> signedByPeer(message);
            case PEER_LIST -> {
                if (signedByPeer(message) && peerListDue()) {
                    transport.onPeerList(this, message.body().getPeerList());
                }
            }
            case HELLO, HELLO_ACK, PEER_RECORD, KIND_NOT_SET ->
                    reject(RejectReason.UNEXPECTED_KIND, message.kind() + " after the handshake");
            default -> transport.deliver(peer, message);
        }
    }

    /**
     * Each new record in a PeerList costs a signature check, so a peer's lists are read at most once per
     * {@link #PEER_LIST_SPACING_MS_MIN}; extra ones are skipped (gossip repeats itself, nothing is lost).
     */
    private boolean peerListDue() {
        long nowNs = System.nanoTime();
        if (lastPeerListNs != 0 && nowNs - lastPeerListNs < TimeUnit.MILLISECONDS.toNanos(PEER_LIST_SPACING_MS_MIN)) {
            log.debug("skipping a PeerList from {}: the previous one was read less than {} ms ago", who(),
                    PEER_LIST_SPACING_MS_MIN);
            return false;
        }
        lastPeerListNs = nowNs;
        return true;
    }

    /** Mesh messages speak for the channel's peer only: one signed by anyone else is a forgery attempt. */
    private boolean signedByPeer(Verified message) {
        if (message.sender().equals(peer)) {
            return true;
        }
        reject(RejectReason.BAD_SENDER, message.kind() + " signed by " + message.sender().shortHex()
                + ", not by the channel's peer");
        return false;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof IdleStateEvent idle)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (idle.state() == IdleState.READER_IDLE) {
            if (closeWith(DisconnectCause.IDLE_TIMEOUT)) {
                log.info("closing {}: nothing received for {} ms", who(), transport.config().idleTimeoutMs());
            }
        } else if (idle.state() == IdleState.WRITER_IDLE && peer != null) {
            transport.sendPing(this);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable failure) {
        RejectReason reason = FrameCodec.reasonFor(failure);
        if (reason == RejectReason.OVERSIZE) {
            reject(reason, "length prefix over " + (peer == null ? WireLimits.HANDSHAKE_FRAME_BYTES_MAX
                    + " bytes before the handshake" : WireLimits.FRAME_BYTES_MAX + " bytes"));
        } else if (reason != null) {
            reject(reason, String.valueOf(failure.getMessage()));
        } else if (failure instanceof IOException) {
            if (closeWith(DisconnectCause.IO_ERROR)) {
                log.debug("closing {}: {}", who(), LogSafe.text(failure));
            }
        } else if (closeWith(DisconnectCause.IO_ERROR)) {
            log.warn("closing {} after an unexpected error", who(), failure);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelHandshakeTimer();
        cause.compareAndSet(null, transport.closing() ? DisconnectCause.SHUTDOWN : DisconnectCause.PEER_CLOSED);
        DisconnectCause closedBy = cause.get();
        transport.counters().disconnect(closedBy);
        transport.onClosed(this, closedBy, admitted);
    }

    /**
     * Queues one envelope unless that would take the channel's outbound queue past its byte bound. Any thread.
     *
     * @return null when queued, otherwise why not
     */
    DropCause trySend(Envelope envelope) {
        int wireBytes = FrameCodec.wireBytes(envelope.getSerializedSize());
        if (wireBytes < 0) {
            return DropCause.OVERSIZE;
        }
        if (!channel.isActive()) {
            return DropCause.NOT_CONNECTED;
        }
        // Netty counts a write against the bound as soon as it is submitted, from any thread, so this check sees
        // earlier sends; racing senders can overshoot by at most one frame each.
        if (wireBytes > channel.bytesBeforeUnwritable()) {
            return DropCause.BACKPRESSURE;
        }
        channel.writeAndFlush(Unpooled.wrappedBuffer(FrameCodec.encode(envelope)), channel.voidPromise());
        return null;
    }

    /** Closes the channel for {@code why}; true if this call decided the cause (the first one does). Any thread. */
    boolean closeWith(DisconnectCause why) {
        boolean first = cause.compareAndSet(null, why);
        channel.close();
        return first;
    }

    ChannelFuture closeFuture() {
        return channel.closeFuture();
    }

    /** Counts a rejected frame, logs one WARN line and disconnects. */
    void reject(RejectReason reason, String detail) {
        transport.counters().rejected(reason);
        if (closeWith(DisconnectCause.REJECTED_FRAME)) {
            log.warn("disconnecting {}: {}: {}", who(), reason.label(), LogSafe.text(detail));
        }
    }

    /** Logs one WARN line and disconnects a peer that broke a mesh rule. */
    void misbehaved(DisconnectCause why, String detail) {
        if (closeWith(why)) {
            log.warn("disconnecting {}: {}: {}", who(), why.label(), LogSafe.text(detail));
        }
    }

    private void handshakeTimedOut() {
        if (peer == null && closeWith(DisconnectCause.HANDSHAKE_TIMEOUT)) {
            log.info("closing {}: no handshake within {} ms", who(), transport.config().handshakeTimeoutMs());
        }
    }

    private void cancelHandshakeTimer() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
            handshakeTimer = null;
        }
    }

    /** Names the other end for logs: its short id once known, and its address. */
    String who() {
        NodeId p = peer;
        SocketAddress address = channel.remoteAddress();
        String remote = address instanceof InetSocketAddress inet ? HostPort.text(inet) : String.valueOf(address);
        if (p != null) {
            return "peer " + p.shortHex() + " (" + remote + ")";
        }
        NodeId claimed = claimedPeer();
        return claimed == null ? String.valueOf(remote) : remote + " (claims " + claimed.shortHex() + ")";
    }
}
