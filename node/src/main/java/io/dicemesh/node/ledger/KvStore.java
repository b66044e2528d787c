package io.dicemesh.node.ledger;

/**
 * A transactional key-value store: reads, and atomic batches of writes with a choice of durability per batch.
 * Failures of the store itself are {@link LedgerException}s; use after {@link #close} is a programming error and
 * throws {@link IllegalStateException}.
 */
public interface KvStore extends KvReader, AutoCloseable {
    /**
     * Applies every op of the batch atomically, in order (a later op on the same key wins); readers see all of the
     * batch or none of it, and so does the store after a crash. With sync, returns only once the batch and everything
     * written before it is durable; without, the batch is visible at once but may be lost by a power failure until a
     * later synced write. An empty batch with sync makes everything written before it durable.
     */
    void write(WriteBatch batch, boolean sync);

    /** Releases the store; idempotent. */
    @Override
    void close();
}
