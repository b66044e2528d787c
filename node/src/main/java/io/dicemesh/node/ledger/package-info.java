/**
 * The node's storage: a small transactional key-value interface ({@link io.dicemesh.node.ledger.KvStore}) with a
 * RocksDB implementation for the daemon and a deterministic in-memory one, with simulated power loss, for the
 * simulator and tests. The protocol core builds {@link io.dicemesh.node.ledger.WriteBatch} values as plain data and a
 * driver applies them; nothing in this package's interface mentions RocksDB.
 */
package io.dicemesh.node.ledger;
