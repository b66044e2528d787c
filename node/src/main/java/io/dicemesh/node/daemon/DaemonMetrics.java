package io.dicemesh.node.daemon;

import io.dicemesh.node.core.Event;
import io.dicemesh.node.net.TransportStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The node's metrics, served as Prometheus text on /metrics: slots committed, commit latency, view changes by
 * cause, stalled tables, connected peers, bytes in and out, rejected messages by reason, slots in doubt, and more.
 * Updated from the engine thread (events) and read by the API thread (scrapes); Micrometer is thread-safe. The
 * suppliers the gauges and function counters read are kept in fields: Micrometer holds them only weakly, and a
 * collected lambda reads as NaN (as {@code dicemesh_peers_connected} did).
 */
public final class DaemonMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter slotsCommitted;
    private final java.util.Map<io.dicemesh.node.core.TableId, AtomicLong> setAsideByTable =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final Timer commitLatency;
    private final Timer ledgerWrites;
    private final AtomicLong stalledTables = new AtomicLong();
    private final AtomicLong slotsInDoubt = new AtomicLong();
    private final AtomicLong tables = new AtomicLong();
    private final AtomicLong engineHeldBytes = new AtomicLong();

    /** What the gauges and function counters read, held here for as long as the metrics live (see above). */
    private final java.util.List<Supplier<?>> read;
    private io.dicemesh.crypto.SignatureMemo watchedMemo;
    private final java.util.EnumMap<io.dicemesh.protocol.Body.KindCase, Counter> messagesIn =
            new java.util.EnumMap<>(io.dicemesh.protocol.Body.KindCase.class);

    public DaemonMetrics(Supplier<TransportStats> transport, Supplier<Integer> connectedPeers,
            Supplier<Integer> inbox) {
        read = java.util.List.of(transport, connectedPeers, inbox);
        slotsCommitted = Counter.builder("dicemesh.slots.committed").description("slots committed at this node")
                .register(registry);
        commitLatency = Timer.builder("dicemesh.commit.latency")
                .description("from the first sight of a slot (or its proposal) to its commit at this node")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
        ledgerWrites = Timer.builder("dicemesh.ledger.writes").description("one write per engine cycle")
                .register(registry);
        for (String cause : new String[] {"absence", "withholding"}) {
            registry.counter("dicemesh.evictions", "cause", cause); // shown as 0 before the first eviction
        }
        Gauge.builder("dicemesh.tables.stalled", stalledTables, AtomicLong::get)
                .description("tables whose open slot went through several views without committing")
                .register(registry);
        Gauge.builder("dicemesh.slots.in.doubt", slotsInDoubt, AtomicLong::get)
                .description("open slots this node voted on but holds no certificate for").register(registry);
        Gauge.builder("dicemesh.engine.held.bytes", engineHeldBytes, AtomicLong::get)
                .description("bytes the engine holds for peers' messages (bounded by the core's budget)")
                .register(registry);
        Gauge.builder("dicemesh.tables", tables, AtomicLong::get).description("tables this node holds")
                .register(registry);
        Gauge.builder("dicemesh.peers.connected", connectedPeers, Supplier::get)
                .description("peers with a live, handshaken connection").register(registry);
        Gauge.builder("dicemesh.engine.inbox", inbox, Supplier::get).description("inputs waiting for the engine")
                .register(registry);
        FunctionCounter.builder("dicemesh.bytes.in", transport, t -> t.get().bytesIn()).baseUnit("bytes")
                .register(registry);
        FunctionCounter.builder("dicemesh.bytes.out", transport, t -> t.get().bytesOut()).baseUnit("bytes")
                .register(registry);
        for (io.dicemesh.protocol.Body.KindCase kind : io.dicemesh.protocol.Body.KindCase.values()) {
            if (kind != io.dicemesh.protocol.Body.KindCase.KIND_NOT_SET) {
                messagesIn.put(kind, Counter.builder("dicemesh.messages.in")
                        .description("verified messages the transport handed to the engine, by kind")
                        .tag("kind", kind.name().toLowerCase(Locale.ROOT)).register(registry));
            }
        }
        for (io.dicemesh.crypto.RejectReason reason : io.dicemesh.crypto.RejectReason.values()) {
            FunctionCounter.builder("dicemesh.messages.rejected", transport, t -> t.get().rejected(reason))
                    .description("messages rejected by the transport or the engine").tag("reason", reason.label())
                    .register(registry);
        }
        for (io.dicemesh.node.net.DisconnectCause cause : io.dicemesh.node.net.DisconnectCause.values()) {
            FunctionCounter.builder("dicemesh.disconnects", transport, t -> t.get().disconnects(cause))
                    .description("mesh channels closed, by cause").tag("cause", cause.label()).register(registry);
        }
        for (io.dicemesh.node.net.Limited what : io.dicemesh.node.net.Limited.values()) {
            FunctionCounter.builder("dicemesh.limited", transport, t -> t.get().limited(what))
                    .description("work peers asked for that a rate limit or connection budget left undone")
                    .tag("what", what.label()).register(registry);
        }
    }

    /**
     * Counts the signature checks of the node's verifier: answered from its memo (a signature found valid before) or
     * checked with the signature scheme (passed or failed). Once; the memo is kept here, as {@link #read} keeps the
     * suppliers.
     */
    public void watch(io.dicemesh.crypto.SignatureMemo memo) {
        if (watchedMemo != null) {
            throw new IllegalStateException("the signature memo is watched already");
        }
        watchedMemo = java.util.Objects.requireNonNull(memo, "memo");
        FunctionCounter.builder("dicemesh.signature.checks", memo, io.dicemesh.crypto.SignatureMemo::hits)
                .description("signature checks, by whether the signature was found valid before").tag("result",
                        "remembered").register(registry);
        FunctionCounter.builder("dicemesh.signature.checks", memo, io.dicemesh.crypto.SignatureMemo::misses)
                .description("signature checks, by whether the signature was found valid before").tag("result",
                        "checked").register(registry);
    }

    /** Counts a verified message the transport hands to the engine (from its threads). */
    public void messageIn(io.dicemesh.protocol.Body.KindCase kind) {
        Counter c = messagesIn.get(kind);
        if (c != null) {
            c.increment();
        }
    }

    /** Counts what the engine reports. */
    public void onEvent(Event event) {
        if (event instanceof Event.SlotCommitted c) {
            slotsCommitted.increment();
            commitLatency.record(Duration.ofMillis(Math.max(0, c.committedMs() - c.startedMs())));
            for (var o : c.result().intents()) {
                registry.counter("dicemesh.intents", "result", o.accepted() ? "accepted" : o.rejection().label())
                        .increment();
            }
            if (c.result().hasRoll()) {
                registry.counter("dicemesh.rolls").increment();
            }
            if (c.result().evicted()) {
                long setAside = 0;
                for (var p : c.state().getPlayersList()) {
                    if (p.getEvicted() != io.dicemesh.protocol.EvictionCause.EVICTION_CAUSE_UNSPECIFIED) {
                        setAside += p.getWithdrawn();
                        if (p.getEvictedSeq() == c.seq()) {
                            registry.counter("dicemesh.evictions", "cause", p.getEvicted().name()
                                    .replaceFirst("^EVICTION_", "").toLowerCase(Locale.ROOT)).increment();
                        }
                    }
                }
                setAsideByTable.computeIfAbsent(c.table(), t -> {
                    AtomicLong g = new AtomicLong();
                    Gauge.builder("dicemesh.tokens.set.aside", g, AtomicLong::get)
                            .description("tokens set aside to players evicted from a table").tag("table", t.shortHex())
                            .register(registry);
                    return g;
                }).set(setAside);
            }
        } else if (event instanceof Event.ViewChanged v) {
            registry.counter("dicemesh.view.changes", "cause", v.cause().startsWith("joined") ? "joined" : v.cause())
                    .increment();
        } else if (event instanceof Event.EvidenceRecorded e) {
            registry.counter("dicemesh.evidence", "kind", e.evidence().getKind().name()
                    .replaceFirst("^EVIDENCE_", "").toLowerCase(Locale.ROOT)).increment();
        } else if (event instanceof Event.Dropped d) {
            registry.counter("dicemesh.messages.dropped.by.engine", "kind", d.kind().toLowerCase(Locale.ROOT))
                    .increment();
        } else if (event instanceof Event.Unsendable) {
            registry.counter("dicemesh.messages.unsendable").increment();
        } else if (event instanceof Event.TableHalted) {
            registry.counter("dicemesh.tables.halted").increment();
        }
    }

    public void onWrite(boolean synced, long nanos) {
        ledgerWrites.record(Duration.ofNanos(nanos));
        registry.counter("dicemesh.ledger.syncs", "sync", Boolean.toString(synced)).increment();
    }

    public void tableGauges(int tableCount, int stalled, int inDoubt, long heldBytes) {
        engineHeldBytes.set(heldBytes);
        tables.set(tableCount);
        stalledTables.set(stalled);
        slotsInDoubt.set(inDoubt);
    }

    public long commitCount() {
        return (long) slotsCommitted.count();
    }

    public String scrape() {
        return registry.scrape();
    }
}
