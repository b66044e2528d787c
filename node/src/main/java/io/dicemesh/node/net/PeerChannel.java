package io.dicemesh.node.net;

import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.RejectReason;
import io.dicemesh.crypto.Rejection;
import io.dicemesh.crypto.Verified;
import io.dicemesh.crypto.VerifyResult;
import com.google.protobuf.InvalidProtocolBufferException;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.WireLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.CertificateException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin Netty handler of one connection (one instance per channel): verifies every frame with the
 * {@link io.dicemesh.crypto.EnvelopeVerifier} before anything reads its body, feeds the {@link Handshake} until the
 * channel is bound, then answers Pings, hands PeerLists to gossip and everything else up; on any rejected frame it
 * logs one WARN line, counts the reason and closes the channel. Runs on the channel's event loop, except
 * {@link #trySend} and {@link #closeWith}, which any thread may call.
 */
final class PeerChannel extends ChannelInboundHandlerAdapter implements Links.Link, ConnectionBudget.Member {
    private static final Logger log = LoggerFactory.getLogger(PeerChannel.class);

    /** Least time between two PeerLists read from one peer. */
    static final long PEER_LIST_SPACING_MS_MIN = 50;
    /**
     * The only kinds a peer may pass on signed by someone else: statements that stand on their own signature,
     * whoever carries them, and that players hand each other so that one that missed them can go on. A table's
     * invite and its players' accepts (together its seq-0 certificate); a coordinator's Prepare (a catch-up reply
     * too large to hold it carries it beside); players' dice commitments and reveals (held ones go to the next
     * coordinator). The core is told the carrier apart from the signer (it answers table messages only to
     * signers). Every other frame (votes, Statuses, intents, queries, replies, pings, peer lists) speaks for the
     * channel's peer and must be signed by it.
     */
    static final java.util.Set<Body.KindCase> RELAYABLE = java.util.EnumSet.of(Body.KindCase.TABLE_INVITE,
            Body.KindCase.GENESIS_ACCEPT, Body.KindCase.PREPARE, Body.KindCase.DICE_COMMITMENT,
            Body.KindCase.DICE_REVEAL);
    /** Frames verified per second on the channel of a peer this node shares no table with. */
    static final int STRANGER_VERIFIES_PER_SECOND = 200;
    /** Bytes of frames a channel over its verification budget may have waiting (what one read had framed). */
    static final int HELD_BYTES_MAX = 4 * WireLimits.FRAME_BYTES_MAX;
    static final long HOLD_RECHECK_MS = 20;
    /** Most Pings answered per second on one channel (each answer is signed); the rest are ignored. */
    static final int PONGS_PER_SECOND = 10;
    /**
     * Peer-record signature checks per second on one channel, after a first full list: a peer that keeps sending
     * lists of new records gets this many of them read; the rest are skipped until the budget refills.
     */
    static final int RECORD_CHECKS_PER_SECOND = 32;

    private final NettyTransport transport;
    private final boolean openedBySelf;
    private final Dialer.Target target;
    private final AtomicReference<DisconnectCause> cause = new AtomicReference<>();
    private final Channel channel;
    private volatile NodeId claimedPeer;
    private ScheduledFuture<?> handshakeTimer;
    private boolean admitted;
    private volatile NodeId peer;
    private String peerListenAddr;
    private long lastPeerListNs;
    private volatile long boundAtNs;
    private volatile long lastReadNs;
    private long probeNonce;
    private final java.util.ArrayDeque<byte[]> held = new java.util.ArrayDeque<>();
    private long heldBytes;
    private final TokenBucket strangerVerifies = new TokenBucket(STRANGER_VERIFIES_PER_SECOND,
            STRANGER_VERIFIES_PER_SECOND);
    private final TokenBucket pongs = new TokenBucket(PONGS_PER_SECOND, PONGS_PER_SECOND);
    private final TokenBucket recordChecks = new TokenBucket(RECORD_CHECKS_PER_SECOND, WireLimits.PEERS_PER_LIST_MAX);

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

    @Override
    public java.net.InetAddress remoteAddress() {
        return channel.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress()
                : java.net.InetAddress.getLoopbackAddress();
    }

    @Override
    public long lastReadNs() {
        return lastReadNs;
    }

    Dialer.Target target() {
        return target;
    }

    /** The peer the handshake proved, or null before that. */
    @Override
    public NodeId peer() {
        return peer;
    }

    /** The id the peer's certificate proved, even when the channel was not bound to it (wrong peer, self), else null. */
    NodeId claimedPeer() {
        return claimedPeer;
    }

    /** The address the peer's certificate Hello says it listens on (empty if it accepts no connections). */
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
            transport.logLimit().debug(log, "refusing connection {}: {}", who(), refused.label());
            closeWith(refused);
            return;
        }
        admitted = true;
        handshakeTimer = ctx.executor().schedule(this::handshakeTimedOut, transport.config().handshakeTimeoutMs(),
                TimeUnit.MILLISECONDS);
        ctx.fireChannelActive(); // on to nothing that cares; the TLS handler before this one has started already
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
        if (peer == null) {
            // TLS hands up application data only after the handshake, and the handshake binds the channel first.
            reject(RejectReason.UNEXPECTED_KIND, "a frame before the channel was bound");
            return;
        }
        lastReadNs = System.nanoTime();
        if (!held.isEmpty() || !mayVerify()) {
            hold(ctx, bytes);
            return;
        }
        verifyAndDispatch(bytes);
    }

    /**
     * Each frame costs a signature check, so a peer this node does not share a table with gets
     * {@link #STRANGER_VERIFIES_PER_SECOND} of them, and all such peers together
     * {@link NettyTransport#STRANGER_VERIFIES_PER_SECOND_ALL}; a table peer is not throttled here (its table
     * messages are the table's work, bounded by the core's budgets; its mesh messages by {@link #worthChecking}),
     * unless it sent so much malformed junk lately that it is suspect ({@link JunkBudget}): then it gets its
     * channel's stranger budget, but never draws on the pool all strangers share, so strangers cannot starve it.
     */
    private boolean mayVerify() {
        if (transport.isWanted(peer)) {
            return !transport.isSuspect(peer) || strangerVerifies.tryTake(System.nanoTime());
        }
        return strangerVerifies.tryTake(System.nanoTime()) && transport.strangerVerifyAllowed();
    }

    /**
     * Over its budget, a frame waits unread (and the channel stops reading, so TCP pushes back on the sender) until
     * the budget refills: nothing is lost, a flood only slows itself. The frames already framed from the last read
     * wait with it; at most {@link #HELD_BYTES_MAX} bytes.
     */
    private void hold(ChannelHandlerContext ctx, byte[] frame) {
        heldBytes += frame.length;
        if (heldBytes > HELD_BYTES_MAX) {
            misbehaved(DisconnectCause.PROTOCOL_VIOLATION, "over " + HELD_BYTES_MAX + " bytes of frames waiting for"
                    + " its verification budget");
            return;
        }
        held.add(frame);
        if (channel.config().isAutoRead()) {
            channel.config().setAutoRead(false);
            transport.counters().limited(Limited.FRAME, 1);
            ctx.executor().schedule(() -> drainHeld(ctx), HOLD_RECHECK_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void drainHeld(ChannelHandlerContext ctx) {
        while (!held.isEmpty() && cause.get() == null && mayVerify()) {
            byte[] frame = held.poll();
            heldBytes -= frame.length;
            verifyAndDispatch(frame);
        }
        if (cause.get() != null) {
            held.clear();
        } else if (held.isEmpty()) {
            channel.config().setAutoRead(true);
        } else {
            ctx.executor().schedule(() -> drainHeld(ctx), HOLD_RECHECK_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void verifyAndDispatch(byte[] bytes) {
        Envelope envelope;
        try {
            envelope = Envelope.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            reject(RejectReason.MALFORMED_ENVELOPE, "unparseable (" + bytes.length + " bytes)");
            return;
        }
        if (!worthChecking(envelope)) {
            return;
        }
        VerifyResult result = transport.verifier().verify(envelope);
        if (result instanceof Rejection rejection) {
            reject(rejection.reason(), rejection.detail());
        } else if (!peer.equals(((Verified) result).sender()) && !RELAYABLE.contains(((Verified) result).kind())) {
            reject(RejectReason.BAD_SENDER, ((Verified) result).kind() + " signed by another node than the channel's "
                    + "peer");
        } else {
            onMessage((Verified) result);
        }
    }

    /** TLS finished: bind the channel to the node its certificate proved, or close it saying why not. */
    private void onTlsDone(ChannelHandlerContext ctx, SslHandshakeCompletionEvent event) {
        cancelHandshakeTimer();
        if (cause.get() != null) {
            return;
        }
        if (!event.isSuccess()) {
            handshakeFailed(event.cause());
            return;
        }
        NodeCertificate.PeerHello proven;
        try {
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            proven = transport.tls().peerOf(tls.engine().getSession());
        } catch (CertificateException e) {
            handshakeFailed(e);
            return;
        }
        Handshake.Step step = Handshake.decide(transport.nodeId(), target instanceof Dialer.PeerTarget p ? p.id()
                : null, proven);
        if (step instanceof Handshake.Done done) {
            peerListenAddr = done.listenAddr();
            claimedPeer = done.peer();
            if (channel.pipeline().get("frames") instanceof FrameCodec.Decoder frames) {
                frames.handshakeDone(); // frames of the full size from here on
            }
            lastReadNs = System.nanoTime();
            boundAtNs = lastReadNs;
            peer = done.peer();
            transport.onBound(this);
            return;
        }
        Handshake.Failed failed = (Handshake.Failed) step;
        claimedPeer = proven.peer();
        switch (failed.failure()) {
            case INVALID -> misbehaved(DisconnectCause.HANDSHAKE_FAILED, failed.detail());
            case WRONG_PEER -> {
                if (closeWith(DisconnectCause.HANDSHAKE_FAILED)) {
                    log.info("closing {}: {}", who(), LogSafe.text(failed.detail()));
                }
            }
            case SELF_CONNECTION -> {
                // The other end is this node's too, and may not have finished its handshake: closed first and for
                // the same cause (before it can read this end's close as a failed handshake), so whichever end
                // dialed learns it dialed itself and does not dial that address again.
                transport.closeOtherEndOfSelfConnection(this);
                if (closeWith(DisconnectCause.SELF_CONNECTION)) {
                    log.debug("closing {}: it connects this node to itself", who());
                }
            }
        }
    }

    /**
     * A TLS handshake that failed: a stranger, a scanner or a node of another version, so logged at INFO (not a
     * WARN per internet scan) and counted.
     */
    private void handshakeFailed(Throwable why) {
        if (closeWith(DisconnectCause.HANDSHAKE_FAILED)) {
            transport.logLimit().info(log, "closing {}: TLS handshake failed: {}", who(),
                    LogSafe.text(rootMessage(why)));
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /** One exhaustive dispatch of what a bound peer sends: mesh kinds here, the rest up to the handler. */
    private void onMessage(Verified message) {
        switch (message.kind()) {
            case PING -> transport.sendPong(this, message.body().getPing()); // its token was taken unchecked
            case PONG -> onPong(message.body().getPong().getNonce());
            case PEER_LIST -> transport.onPeerList(this, message.body().getPeerList(), () -> recordChecks.tryTake(
                    System.nanoTime()));
            case HELLO, PEER_RECORD, KIND_NOT_SET ->
                    reject(RejectReason.UNEXPECTED_KIND, message.kind() + " as a frame");
            default -> transport.deliver(peer, message);
        }
    }

    /**
     * Mesh messages whose only effect this node would not have now are dropped before their signature is checked,
     * read from the kind the unverified body says (its first field; if it lies, the check that follows finds out):
     * a Ping over the budget of answers, a Pong nothing waits for, a PeerList sooner than the spacing allows.
     */
    private boolean worthChecking(Envelope envelope) {
        int kind;
        try {
            com.google.protobuf.CodedInputStream in = envelope.getBody().newCodedInput();
            kind = com.google.protobuf.WireFormat.getTagFieldNumber(in.readTag());
        } catch (java.io.IOException e) {
            return true; // the verifier says what is wrong with it
        }
        switch (kind) {
            case Body.PING_FIELD_NUMBER -> {
                if (!pongs.tryTake(System.nanoTime())) {
                    transport.counters().limited(Limited.PING, 1); // a signed answer each is work a flood must not buy
                    return false;
                }
                return true;
            }
            case Body.PONG_FIELD_NUMBER -> {
                return probeNonce != 0;
            }
            case Body.PEER_LIST_FIELD_NUMBER -> {
                return peerListDue();
            }
            default -> {
                return true;
            }
        }
    }

    /**
     * True when this channel was bound longer ago than a pairing race lasts (the handshake timeout) and received a
     * frame within two heartbeat intervals; see {@link Links.Link#establishedAndLive}.
     */
    @Override
    public boolean establishedAndLive() {
        long boundAt = boundAtNs;
        if (boundAt == 0 || !channel.isActive()) {
            return false;
        }
        long nowNs = System.nanoTime();
        TransportConfig c = transport.config();
        return nowNs - boundAt > TimeUnit.MILLISECONDS.toNanos(c.handshakeTimeoutMs())
                && nowNs - lastReadNs < TimeUnit.MILLISECONDS.toNanos(2 * c.heartbeatIntervalMs());
    }

    /**
     * Asks the peer to prove this channel alive: a Ping it must answer within the handshake timeout, or the channel
     * is closed. Used when a newer channel of the same peer was refused in favour of this one. Any thread.
     */
    void probe() {
        channel.eventLoop().execute(() -> {
            if (probeNonce != 0 || !channel.isActive()) {
                return;
            }
            long nonce = transport.nextPingNonce();
            if (!transport.sendPing(this, nonce)) {
                return; // a full queue is no evidence either way; the idle timeout still watches the channel
            }
            probeNonce = nonce;
            channel.eventLoop().schedule(() -> {
                if (probeNonce == nonce && closeWith(DisconnectCause.UNANSWERED_PROBE)) {
                    log.info("closing {}: it did not answer a probe within {} ms", who(),
                            transport.config().handshakeTimeoutMs());
                }
            }, transport.config().handshakeTimeoutMs(), TimeUnit.MILLISECONDS);
        });
    }

    private void onPong(long nonce) {
        if (probeNonce != 0 && nonce == probeNonce) {
            probeNonce = 0;
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

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent tlsDone) {
            onTlsDone(ctx, tlsDone);
            return;
        }
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
        if (peer == null && isTlsFailure(failure)) {
            handshakeFailed(failure);
            return;
        }
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

    /** Bytes that are not TLS, or a TLS alert or error: TLS failed before the channel was bound. */
    private static boolean isTlsFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException || t instanceof NotSslRecordException) {
                return true;
            }
        }
        return false;
    }

    /** True when this channel and that one are the two ends of one TCP connection (a self-connection). */
    boolean isOtherEndOf(PeerChannel that) {
        SocketAddress local = channel.localAddress();
        return this != that && local != null && local.equals(that.channel.remoteAddress())
                && that.channel.localAddress() != null && that.channel.localAddress().equals(channel.remoteAddress());
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
            transport.logLimit().warn(log, "disconnecting {}: {}: {}", who(), reason.label(), LogSafe.text(detail));
        }
    }

    /** Logs one WARN line and disconnects a peer that broke a mesh rule. */
    void misbehaved(DisconnectCause why, String detail) {
        if (closeWith(why)) {
            transport.logLimit().warn(log, "disconnecting {}: {}: {}", who(), why.label(), LogSafe.text(detail));
        }
    }

    private void handshakeTimedOut() {
        if (peer == null && closeWith(DisconnectCause.HANDSHAKE_TIMEOUT)) {
            transport.logLimit().info(log, "closing {}: no handshake within {} ms", who(),
                    transport.config().handshakeTimeoutMs());
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
