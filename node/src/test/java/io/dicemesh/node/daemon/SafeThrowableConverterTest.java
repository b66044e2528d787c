package io.dicemesh.node.daemon;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

/** A stack trace in the log cannot carry a forged line in an exception's message. */
class SafeThrowableConverterTest {
    @Test
    void exceptionMessagesAreEscapedAndTheFramesStay() {
        LoggerContext context = new LoggerContext();
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.getInstanceConverterMap().put("safeEx", SafeThrowableConverter::new);
        layout.setPattern("%msg%n%safeEx");
        layout.start();
        Exception cause = new IllegalStateException("inner\n12:00:00.000 INFO  [main] NodeDaemon - forged");
        Exception e = new RuntimeException("outer\r\nWARN forged too", cause);
        LoggingEvent event = new LoggingEvent("x", context.getLogger("test"), Level.WARN, "it failed", e, null);
        String out = layout.doLayout(event);
        assertTrue(out.contains("outer\\r\\nWARN forged too"), out);
        assertTrue(out.contains("inner\\n12:00:00.000"), out);
        assertTrue(out.lines().noneMatch(l -> l.startsWith("12:00") || l.startsWith("WARN")), out);
        assertTrue(out.contains("at io.dicemesh.node.daemon.SafeThrowableConverterTest"), "frames are kept: " + out);
        assertTrue(out.contains("Caused by: java.lang.IllegalStateException"), out);
    }
}
