package io.dicemesh.node.net;

import io.dicemesh.crypto.RejectReason;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The live counters behind {@link TransportStats}; updated from any thread without locks. */
final class TransportCounters {
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder framesIn = new LongAdder();
    private final LongAdder framesOut = new LongAdder();
    private final EnumMap<RejectReason, LongAdder> rejected = adders(RejectReason.class);
    private final EnumMap<DisconnectCause, LongAdder> disconnects = adders(DisconnectCause.class);
    private final EnumMap<DropCause, LongAdder> drops = adders(DropCause.class);
    private final EnumMap<Limited, LongAdder> limited = adders(Limited.class);

    private static <E extends Enum<E>> EnumMap<E, LongAdder> adders(Class<E> type) {
        EnumMap<E, LongAdder> map = new EnumMap<>(type);
        for (E e : type.getEnumConstants()) {
            map.put(e, new LongAdder());
        }
        return map;
    }

    void bytesIn(int n) {
        bytesIn.add(n);
    }

    void frameOut(int bytes) {
        bytesOut.add(bytes);
        framesOut.increment();
    }

    void frameIn() {
        framesIn.increment();
    }

    void rejected(RejectReason reason) {
        rejected.get(reason).increment();
    }

    void disconnect(DisconnectCause cause) {
        disconnects.get(cause).increment();
    }

    void drop(DropCause cause) {
        drops.get(cause).increment();
    }

    void limited(Limited what, int n) {
        limited.get(what).add(n);
    }

    TransportStats snapshot() {
        Map<String, Long> drop = new HashMap<>();
        long dropped = 0;
        for (var e : drops.entrySet()) {
            long n = e.getValue().sum();
            drop.put(e.getKey().label(), n);
            dropped += n;
        }
        Map<String, Long> rej = new HashMap<>();
        rejected.forEach((reason, n) -> rej.put(reason.label(), n.sum()));
        Map<String, Long> disc = new HashMap<>();
        disconnects.forEach((cause, n) -> disc.put(cause.label(), n.sum()));
        Map<String, Long> lim = new HashMap<>();
        limited.forEach((what, n) -> lim.put(what.label(), n.sum()));
        return new TransportStats(bytesIn.sum(), bytesOut.sum(), framesIn.sum(), framesOut.sum(), rej, disc, dropped,
                drop, lim);
    }
}
