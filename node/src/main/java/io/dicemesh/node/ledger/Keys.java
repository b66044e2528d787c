package io.dicemesh.node.ledger;

import java.util.Arrays;
import java.util.Objects;

/**
 * Helpers for composite big-endian keys such as {@code table_id (32 bytes) || seq (8 bytes)}. Big-endian unsigned
 * integers sort numerically under the stores' unsigned lexicographic byte order, so a scan over a table's prefix
 * visits its slots in seq order.
 */
public final class Keys {
    private Keys() {
    }

    /** The parts joined in order into one new array. */
    public static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length = Math.addExact(length, part.length);
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    /** The 8-byte big-endian encoding of v, read as unsigned (so -1 sorts after every non-negative value). */
    public static byte[] u64(long v) {
        byte[] out = new byte[Long.BYTES];
        for (int i = Long.BYTES - 1; i >= 0; i--) {
            out[i] = (byte) v;
            v >>>= 8;
        }
        return out;
    }

    /** The 8-byte big-endian value at b[off..off+8). */
    public static long readU64(byte[] b, int off) {
        Objects.checkFromIndexSize(off, Long.BYTES, b.length);
        long v = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            v = (v << 8) | (b[off + i] & 0xffL);
        }
        return v;
    }

    /** The 4-byte big-endian encoding of v. */
    public static byte[] u32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** The 4-byte big-endian value at b[off..off+4). */
    public static int readU32(byte[] b, int off) {
        Objects.checkFromIndexSize(off, Integer.BYTES, b.length);
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    /**
     * The smallest key greater than every key starting with prefix, for use as a scan's exclusive end; null when no
     * such key exists (the prefix is empty or all 0xff), meaning "to the end".
     */
    public static byte[] prefixEnd(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xff) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        return null;
    }
}
