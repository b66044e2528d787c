package io.dicemesh.node.ledger;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;

/**
 * Where each record lives in the store. Table ids are 32 bytes and integers 8-byte big-endian, so a table's
 * records sort by seq and one table's keys form a contiguous range.
 *
 * <pre>
 * tables    's' table_id                  -> TableState     (state after the last committed slot)
 *           'g' table_id                  -> GenesisRecord  (invite and every accept: seq 0)
 *           'p' table_id                  -> GenesisRecord  (an invite not yet accepted by everyone)
 * txlog     table_id seq                  -> LogEntry       (certificate and tx hash of a committed slot)
 * prepared  table_id 'L' seq              -> LockRecord     (own lock and vote; synced before the vote is sent)
 *           table_id 'S' seq              -> Envelope       (own latest Status; synced before it is sent)
 *           table_id 'B' batch_no         -> Envelope       (own intent batch not yet committed)
 * evidence  table_id seq kind culprit n   -> Evidence
 * </pre>
 */
public final class LedgerLayout {
    public static final byte STATE = 's';
    public static final byte GENESIS = 'g';
    public static final byte PENDING_GENESIS = 'p';
    public static final byte LOCK = 'L';
    public static final byte STATUS = 'S';
    public static final byte OWN_BATCH = 'B';

    private LedgerLayout() {
    }

    public static byte[] tableKey(byte prefix, ByteString tableId) {
        return ByteBuffer.allocate(1 + tableId.size()).put(prefix).put(tableId.asReadOnlyByteBuffer()).array();
    }

    /** Prefix of every {@code tables} key of one kind (scan it to list tables). */
    public static byte[] tablesPrefix(byte prefix) {
        return new byte[] {prefix};
    }

    public static byte[] logKey(ByteString tableId, long seq) {
        return ByteBuffer.allocate(tableId.size() + Long.BYTES).put(tableId.asReadOnlyByteBuffer()).putLong(seq)
                .array();
    }

    public static byte[] tableRangeStart(ByteString tableId) {
        return tableId.toByteArray();
    }

    public static byte[] preparedKey(ByteString tableId, byte kind, long n) {
        return ByteBuffer.allocate(tableId.size() + 1 + Long.BYTES).put(tableId.asReadOnlyByteBuffer()).put(kind)
                .putLong(n).array();
    }

    public static byte[] evidenceKey(ByteString tableId, long seq, int kind, ByteString culprit, long n) {
        return ByteBuffer.allocate(tableId.size() + Long.BYTES + Integer.BYTES + culprit.size() + Long.BYTES)
                .put(tableId.asReadOnlyByteBuffer()).putLong(seq).putInt(kind).put(culprit.asReadOnlyByteBuffer())
                .putLong(n).array();
    }

    /** The table id a key of {@code tables} names (after its one-byte prefix). */
    public static ByteString tableIdOfTablesKey(byte[] key) {
        return ByteString.copyFrom(key, 1, key.length - 1);
    }

    /** Kind byte and number of a {@code prepared} key. */
    public static byte preparedKind(byte[] key) {
        return key[key.length - 1 - Long.BYTES];
    }

    public static long preparedNumber(byte[] key) {
        return ByteBuffer.wrap(key, key.length - Long.BYTES, Long.BYTES).getLong();
    }
}
