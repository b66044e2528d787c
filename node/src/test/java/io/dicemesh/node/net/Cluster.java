package io.dicemesh.node.net;

import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.Identity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Starts transports for a test and closes every one of them at the end, even when the test fails. */
final class Cluster implements AutoCloseable {
    private final List<NettyTransport> started = new ArrayList<>();
    private final EnvelopeVerifier verifier = new EnvelopeVerifier();

    NettyTransport start(Identity identity, TransportConfig config, InboundHandler handler) {
        NettyTransport t = track(new NettyTransport(identity, config, verifier, handler));
        try {
            t.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return t;
    }

    /** Closes this transport at the end too (one the test starts itself). */
    NettyTransport track(NettyTransport transport) {
        started.add(transport);
        return transport;
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
        started.clear();
    }
}
