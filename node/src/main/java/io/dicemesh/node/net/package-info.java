/**
 * The mesh transport (DESIGN section 4): Netty TCP with 4-byte length framing, a signed Hello/HelloAck handshake that
 * binds each channel to a {@link io.dicemesh.crypto.NodeId}, one connection per pair, signed peer-record gossip,
 * heartbeats, reconnects with backoff and jitter, and a byte bound on every peer's outbound queue.
 *
 * <p>The decisions live in small classes that know nothing of sockets ({@link io.dicemesh.node.net.Handshake},
 * {@link io.dicemesh.node.net.FrameCodec}, {@link io.dicemesh.node.net.PeerTable},
 * {@link io.dicemesh.node.net.PeerGossip}, {@link io.dicemesh.node.net.Reconnector},
 * {@link io.dicemesh.node.net.Links}); {@link io.dicemesh.node.net.PeerChannel} is the thin Netty handler that drives
 * them and {@link io.dicemesh.node.net.NettyTransport} owns the event loops. Only envelopes that passed
 * {@link io.dicemesh.crypto.EnvelopeVerifier} reach an {@link io.dicemesh.node.net.InboundHandler}.
 */
package io.dicemesh.node.net;
