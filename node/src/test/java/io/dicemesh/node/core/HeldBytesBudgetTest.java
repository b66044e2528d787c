package io.dicemesh.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The budget figures that {@code protocol/PROTOCOL.md} ("Budgets") and the README state are the ones the code adds
 * up: a change to a bound that changes them must change the docs too.
 */
class HeldBytesBudgetTest {
    private static final double MIB = 1024.0 * 1024.0;

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / MIB);
    }

    @Test
    void theDocumentedFiguresAreWhatTheBoundsAddUpTo() {
        long perNode = EngineContext.VERIFY_CACHE_BYTES_MAX + InviteBook.heldBytesMax();
        assertEquals("12.0", mib(perNode), "per node");
        assertEquals("15.1", mib(TableEngine.heldBytesMax(2)), "a table of 2");
        assertEquals("16.2", mib(TableEngine.heldBytesMax(3)), "a table of 3");
        assertEquals("18.4", mib(TableEngine.heldBytesMax(5)), "a table of 5");
        assertEquals("30.7", mib(TableEngine.heldBytesMax(16)), "a table of 16");
        assertEquals("60.6", mib(perNode + 3 * TableEngine.heldBytesMax(3)), "a node at three tables of three");
    }
}
