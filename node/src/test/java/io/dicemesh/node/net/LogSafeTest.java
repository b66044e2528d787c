package io.dicemesh.node.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogSafeTest {
    @Test
    void ordinaryTextIsKeptAsIs() {
        assertEquals("127.0.0.1:7000", LogSafe.text("127.0.0.1:7000"));
        assertEquals("[::1]:7000", LogSafe.text("[::1]:7000"));
        assertEquals("grüße, 骰子", LogSafe.text("grüße, 骰子"));
        assertEquals("null", LogSafe.text(null));
    }

    @Test
    void lineBreaksControlAndFormatCharactersAndBackslashesAreEscaped() {
        assertEquals("a\\nb\\rc", LogSafe.text("a\nb\rc"));
        assertEquals("\\u001b[31mred", LogSafe.text("\u001b[31mred"));
        assertEquals("x\\u202ey", LogSafe.text("x\u202ey")); // a bidirectional override
        assertEquals("x\\u2028y", LogSafe.text("x\u2028y"));
        assertEquals("x\\u0000y\\u007f", LogSafe.text("x\u0000y\u007f"));
        assertEquals("a\\\\nb", LogSafe.text("a\\nb")); // a literal backslash-n stays distinguishable
    }

    @Test
    void longTextIsCutAndSaysHowMuchWasLeftOut() {
        String s = LogSafe.text("x".repeat(LogSafe.CHARS_MAX + 50));
        assertTrue(s.startsWith("x".repeat(LogSafe.CHARS_MAX) + "...("), s);
        assertTrue(s.endsWith("(50 more chars)"), s);
    }
}
