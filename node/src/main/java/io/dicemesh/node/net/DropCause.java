package io.dicemesh.node.net;

import java.util.Locale;

/** Why {@link NettyTransport#send} refused an envelope; counted per cause in {@link TransportStats#drops()}. */
public enum DropCause {
    /** No channel is bound to that peer. */
    NOT_CONNECTED,
    /** The peer's outbound queue would exceed {@link TransportConfig#outboundQueueBytesMax}. */
    BACKPRESSURE,
    /** The envelope is larger than {@link io.dicemesh.protocol.WireLimits#FRAME_BYTES_MAX}. */
    OVERSIZE,
    /** The transport is not running (not started yet, or closed). */
    NOT_RUNNING;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
