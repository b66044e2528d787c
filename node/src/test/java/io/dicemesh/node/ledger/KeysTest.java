package io.dicemesh.node.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KeysTest {
    private static byte[] b(int... bytes) {
        return KvStoreContract.b(bytes);
    }

    @Test
    void u64IsBigEndianAndRoundTrips() {
        assertArrayEquals(b(0, 0, 0, 0, 0, 0, 1, 2), Keys.u64(0x0102));
        assertArrayEquals(b(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), Keys.u64(-1));
        for (long v : new long[] {0, 1, 255, 256, Long.MAX_VALUE, Long.MIN_VALUE, -1, 0x0123456789abcdefL}) {
            assertEquals(v, Keys.readU64(Keys.u64(v), 0));
            assertEquals(v, Keys.readU64(Keys.concat(b(9, 9), Keys.u64(v)), 2));
        }
    }

    @Test
    void u64KeysSortNumericallyInUnsignedByteOrder() {
        long[] values = {0, 1, 255, 256, 65_535, 65_536, 1L << 40, Long.MAX_VALUE};
        for (int i = 1; i < values.length; i++) {
            assertTrue(Arrays.compareUnsigned(Keys.u64(values[i - 1]), Keys.u64(values[i])) < 0, "at " + values[i]);
        }
    }

    @Test
    void u32IsBigEndianAndRoundTrips() {
        assertArrayEquals(b(0, 0, 0, 1), Keys.u32(1));
        assertArrayEquals(b(0x80, 0, 0, 0x7f), Keys.u32(0x8000007f));
        assertEquals(0x8000007f, Keys.readU32(Keys.u32(0x8000007f), 0));
    }

    @Test
    void readingPastTheEndIsRejected() {
        assertThrows(IndexOutOfBoundsException.class, () -> Keys.readU64(new byte[9], 2));
        assertThrows(IndexOutOfBoundsException.class, () -> Keys.readU32(new byte[3], 0));
    }

    @Test
    void concatJoinsThePartsInOrder() {
        assertArrayEquals(b(1, 2, 3, 4), Keys.concat(b(1), b(), b(2, 3), b(4)));
        assertArrayEquals(b(), Keys.concat());
    }

    @Test
    void prefixEndIsTheSmallestKeyAfterEveryKeyWithThePrefix() {
        assertArrayEquals(b(1, 3), Keys.prefixEnd(b(1, 2)));
        assertArrayEquals(b(1, 0x80), Keys.prefixEnd(b(1, 0x7f)));
        assertArrayEquals(b(2), Keys.prefixEnd(b(1, 0xff, 0xff)));
        assertNull(Keys.prefixEnd(b(0xff, 0xff)));
        assertNull(Keys.prefixEnd(b()));
        byte[] prefix = b(5, 0xff);
        byte[] end = Keys.prefixEnd(prefix);
        assertTrue(Arrays.compareUnsigned(Keys.concat(prefix, b(0xff, 0xff, 0xff)), end) < 0);
        assertArrayEquals(b(5, 0xff), prefix, "the prefix is not modified");
    }
}
