package io.dicemesh.node.ledger;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/** The ledger's on-disk format version, kept in {@link Column#META} under the key "format_version" (4-byte big-endian). */
public final class LedgerFormat {
    /** The version this build writes and reads. Raise it with every incompatible change to keys or values. */
    public static final int CURRENT = 1;

    private static final byte[] VERSION_KEY = "format_version".getBytes(StandardCharsets.US_ASCII);
    /** Bytes of a garbled version shown in the error. */
    private static final int SHOWN_BYTES_MAX = 16;

    private LedgerFormat() {
    }

    /**
     * On an empty store writes {@link #CURRENT} (synced); accepts {@link #CURRENT}; refuses anything else with a
     * one-line message: a newer version (upgrade dicemesh), an unreadable one, or data without a version.
     */
    public static void checkOrInitialize(KvStore store) throws LedgerFormatException {
        byte[] stored = store.get(Column.META, VERSION_KEY);
        if (stored == null) {
            if (!isEmpty(store)) {
                throw new LedgerFormatException("the ledger holds data but no format version (this build reads "
                        + "version " + CURRENT + "); it is damaged or was not written by dicemesh: restore it from a "
                        + "backup");
            }
            store.write(WriteBatch.builder().put(Column.META, VERSION_KEY, Keys.u32(CURRENT)).build(), true);
            return;
        }
        if (stored.length != Integer.BYTES) {
            throw new LedgerFormatException("the ledger's format version is unreadable (" + stored.length
                    + " bytes" + shown(stored) + "; this build reads version " + CURRENT + "); the ledger is "
                    + "damaged or was not written by dicemesh: restore it from a backup");
        }
        long found = Integer.toUnsignedLong(Keys.readU32(stored, 0));
        if (found > CURRENT) {
            throw new LedgerFormatException("the ledger has format version " + found + " but this dicemesh reads "
                    + "version " + CURRENT + " only; upgrade dicemesh to open it");
        }
        if (found < CURRENT) {
            // No older format was ever released; a migration goes here when one is.
            throw new LedgerFormatException("the ledger's format version " + found + " is not a dicemesh format "
                    + "(this build reads version " + CURRENT + "); the ledger is damaged: restore it from a backup");
        }
    }

    /** The stored key, for tests that plant other versions. */
    static byte[] versionKey() {
        return VERSION_KEY.clone();
    }

    private static boolean isEmpty(KvReader store) {
        boolean[] found = {false};
        for (Column column : Column.values()) {
            store.scan(column, new byte[0], null, (key, value) -> {
                found[0] = true;
                return false;
            });
            if (found[0]) {
                return false;
            }
        }
        return true;
    }

    /** ": " and the first bytes in hex, or nothing for an empty value. */
    private static String shown(byte[] stored) {
        if (stored.length == 0) {
            return "";
        }
        String hex = HexFormat.of().formatHex(Arrays.copyOf(stored, Math.min(stored.length, SHOWN_BYTES_MAX)));
        return ": " + hex + (stored.length > SHOWN_BYTES_MAX ? "..." : "");
    }
}
