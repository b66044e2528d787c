package io.dicemesh.node.core;

import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.crypto.Verified;
import io.dicemesh.crypto.VerifyResult;
import io.dicemesh.node.ledger.KvReader;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import java.util.LinkedHashMap;
import java.util.Map;

/** What every table engine of a node shares: its key, its settings, its ledger reader and a verify cache. */
final class EngineContext {
    /** Verified envelopes remembered, so a batch or vote checked on arrival is not checked again inside a tx. */
    static final int VERIFY_CACHE_ENTRIES_MAX = 8192;

    final Identity identity;
    final NodeId me;
    final EngineConfig config;
    final KvReader ledger;
    private final EnvelopeVerifier verifier;
    private final Map<Envelope, Verified> verified = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Envelope, Verified> eldest) {
            return size() > VERIFY_CACHE_ENTRIES_MAX;
        }
    };

    EngineContext(Identity identity, EngineConfig config, EnvelopeVerifier verifier, KvReader ledger) {
        this.identity = identity;
        this.me = identity.nodeId();
        this.config = config;
        this.verifier = verifier;
        this.ledger = ledger;
    }

    Envelope sign(Body body) {
        return Signatures.seal(identity, body);
    }

    /** Verifies an embedded envelope, answering from the cache for one verified before. */
    VerifyResult verify(Envelope envelope) {
        Verified hit = verified.get(envelope);
        if (hit != null) {
            return hit;
        }
        VerifyResult r = verifier.verify(envelope);
        if (r instanceof Verified v) {
            verified.put(envelope, v);
        }
        return r;
    }

    /** Remembers an envelope that arrived verified on the wire. */
    void remember(Verified v) {
        verified.put(v.envelope(), v);
    }
}
