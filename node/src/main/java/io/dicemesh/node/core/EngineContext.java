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
    /** Bytes of verified envelopes remembered (least recently used forgotten first). */
    static final long VERIFY_CACHE_BYTES_MAX = 8L << 20;

    final Identity identity;
    final NodeId me;
    final EngineConfig config;
    final KvReader ledger;
    final Safety safety;
    private final EnvelopeVerifier verifier;
    private long cachedBytes;
    private final Map<Envelope, Verified> verified = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Envelope, Verified> eldest) {
            if (size() > VERIFY_CACHE_ENTRIES_MAX || cachedBytes > VERIFY_CACHE_BYTES_MAX) {
                cachedBytes -= Envelopes.heldBytesParsed(eldest.getKey());
                return true;
            }
            return false;
        }
    };

    EngineContext(Identity identity, EngineConfig config, EnvelopeVerifier verifier, KvReader ledger) {
        this.identity = identity;
        this.me = identity.nodeId();
        this.config = config;
        this.safety = new Safety(config.injectedBugs());
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
            cache(v);
        }
        return r;
    }

    /**
     * Remembers an envelope that arrived verified on the wire, so that checking it again inside a tx, a
     * justification or a certificate costs nothing. Only for messages the table gate let through.
     */
    void remember(Verified v) {
        if (!verified.containsKey(v.envelope())) {
            cache(v);
        }
    }

    private void cache(Verified v) {
        cachedBytes += Envelopes.heldBytesParsed(v.envelope());
        verified.put(v.envelope(), v);
        while (cachedBytes > VERIFY_CACHE_BYTES_MAX && !verified.isEmpty()) { // one huge entry: evict until it fits
            Map.Entry<Envelope, Verified> eldest = verified.entrySet().iterator().next();
            cachedBytes -= Envelopes.heldBytesParsed(eldest.getKey());
            verified.remove(eldest.getKey());
        }
    }

    int verifyCacheEntries() {
        return verified.size();
    }

    long verifyCacheBytes() {
        return cachedBytes;
    }
}
