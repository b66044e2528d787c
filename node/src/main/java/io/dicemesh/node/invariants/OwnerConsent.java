package io.dicemesh.node.invariants;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.NodeId;
import io.dicemesh.crypto.Verified;
import io.dicemesh.crypto.VerifyResult;
import io.dicemesh.node.core.ApplyResult;
import io.dicemesh.node.core.Event;
import io.dicemesh.node.core.NodeEngine;
import io.dicemesh.node.ledger.KvReader;
import io.dicemesh.protocol.Bet;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Intent;
import io.dicemesh.protocol.PlayerState;
import io.dicemesh.protocol.TableState;
import io.dicemesh.protocol.Tx;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Nothing moves without its owner's signed intent: every intent batch in a committed tx carries its own player's
 * valid signature (checked by an independent verifier), a stack only shrinks by its owner's accepted intents, and
 * every new bet on the felt is its owner's accepted bet; a roll moves tokens between felt, bank and stacks but never
 * takes from a stack; an eviction moves an evicted player's stack only into what is set aside to it (less its reveal
 * bond, when forfeited).
 */
public final class OwnerConsent implements Invariant {
    private final EnvelopeVerifier verifier;
    private final LastStates last = new LastStates();

    /** @param verifier an independent verifier (not the nodes'), to re-check every signed intent that commits */
    public OwnerConsent(EnvelopeVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public String name() {
        return "owner-consent";
    }

    @Override
    public void onEvent(NodeId node, Event event, Violations out) {
        if (!(event instanceof Event.SlotCommitted c)) {
            return;
        }
        try {
            for (Envelope e : Tx.parseFrom(c.tx()).getIntentBatchesList()) {
                VerifyResult r = verifier.verify(e, Body.KindCase.INTENT_BATCH);
                if (!(r instanceof Verified v) || !v.sender().matches(v.body().getIntentBatch().getPlayer())) {
                    out.report(name(), node, "a committed tx carries an intent batch that its player did not sign: "
                            + r);
                }
            }
        } catch (InvalidProtocolBufferException e) {
            return; // HashChain reports it
        }
        TableState before = last.get(node, c.table());
        if (before != null) {
            checkStacks(node, before, c.state(), c.result(), out);
        }
        last.put(node, c.table(), c.state());
    }

    private void checkStacks(NodeId node, TableState before, TableState after, ApplyResult result, Violations out) {
        Set<ByteString> spent = new HashSet<>();
        Set<Long> placedBets = new HashSet<>();
        for (ApplyResult.IntentOutcome o : result.intents()) {
            if (o.accepted() && (o.kind() == Intent.KindCase.PLACE_BET || o.kind() == Intent.KindCase.TRANSFER
                    || o.kind() == Intent.KindCase.LEAVE)) {
                spent.add(o.player().byteString());
                if (o.kind() == Intent.KindCase.PLACE_BET) {
                    placedBets.add(o.betId());
                }
            }
        }
        for (int i = 0; i < Math.min(before.getPlayersCount(), after.getPlayersCount()); i++) {
            PlayerState b = before.getPlayers(i);
            PlayerState a = after.getPlayers(i);
            boolean evictedNow = b.getEvicted() == io.dicemesh.protocol.EvictionCause.EVICTION_CAUSE_UNSPECIFIED
                    && a.getEvicted() != io.dicemesh.protocol.EvictionCause.EVICTION_CAUSE_UNSPECIFIED;
            if (evictedNow) {
                // an eviction moves the stack only to the player itself, set aside (less a forfeited reveal bond)
                long expected = b.getWithdrawn() + b.getStack() - a.getEvictedBond() + a.getEvictedPaid();
                if (a.getStack() != 0 || a.getWithdrawn() != expected || a.getEvictedBond() > b.getStack()) {
                    out.report(name(), node, "seq " + after.getSeq() + ": evicting " + NodeId.of(a.getPlayer())
                            + " set aside " + a.getWithdrawn() + " of its " + b.getStack() + " (bond "
                            + a.getEvictedBond() + ", paid " + a.getEvictedPaid() + ")");
                }
                continue;
            }
            if (a.getStack() < b.getStack() && !spent.contains(a.getPlayer())) {
                out.report(name(), node, "seq " + after.getSeq() + ": stack of " + NodeId.of(a.getPlayer())
                        + " fell from " + b.getStack() + " to " + a.getStack()
                        + " without an accepted intent of its own");
            }
        }
        Map<Long, Bet> feltBefore = new HashMap<>();
        for (Bet bet : before.getFeltList()) {
            feltBefore.put(bet.getId(), bet);
        }
        for (Bet bet : after.getFeltList()) {
            if (!feltBefore.containsKey(bet.getId()) && !placedBets.contains(bet.getId())) {
                out.report(name(), node, "seq " + after.getSeq() + ": bet " + bet.getId()
                        + " appeared on the felt without its owner's accepted intent");
            }
        }
    }

    @Override
    public void onRestart(NodeId node, NodeEngine engine, KvReader store, Violations out) {
        last.reload(node, engine);
    }
}
