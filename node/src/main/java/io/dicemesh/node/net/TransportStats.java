package io.dicemesh.node.net;

import io.dicemesh.crypto.RejectReason;
import java.util.Map;

/**
 * A snapshot of a transport's counters since it was created. Bytes and frames out are counted when they enter a
 * channel's outbound queue; bytes in as they are read from the socket, frames in once framed.
 *
 * @param rejected    inbound envelopes rejected, by {@link RejectReason#label()} (every reason present, zeros too)
 * @param disconnects closed channels by {@link DisconnectCause#label()} (every cause present)
 * @param droppedSends sends refused by {@link NettyTransport#send}, all causes together
 * @param drops       refused sends by {@link DropCause#label()} (every cause present)
 * @param limited     work left undone by a rate limit or budget, by {@link Limited#label()} (every kind present)
 */
public record TransportStats(long bytesIn, long bytesOut, long framesIn, long framesOut, Map<String, Long> rejected,
        Map<String, Long> disconnects, long droppedSends, Map<String, Long> drops, Map<String, Long> limited) {

    public TransportStats {
        rejected = Map.copyOf(rejected);
        disconnects = Map.copyOf(disconnects);
        drops = Map.copyOf(drops);
        limited = Map.copyOf(limited);
    }

    public long rejected(RejectReason reason) {
        return rejected.getOrDefault(reason.label(), 0L);
    }

    public long disconnects(DisconnectCause cause) {
        return disconnects.getOrDefault(cause.label(), 0L);
    }

    public long drops(DropCause cause) {
        return drops.getOrDefault(cause.label(), 0L);
    }

    public long limited(Limited what) {
        return limited.getOrDefault(what.label(), 0L);
    }
}
