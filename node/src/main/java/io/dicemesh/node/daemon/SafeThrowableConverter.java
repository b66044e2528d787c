package io.dicemesh.node.daemon;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import io.dicemesh.node.net.LogSafe;

/**
 * Stack traces in the log with every exception message escaped ({@link LogSafe}): an exception may quote text from
 * outside (a peer's bytes in a parse error, say), and a line break in it would forge a log line. The frames are
 * printed as usual. Used by logback.xml as {@code %safeEx}.
 */
public final class SafeThrowableConverter extends ThrowableProxyConverter {
    @Override
    protected String throwableProxyToString(IThrowableProxy tp) {
        return super.throwableProxyToString(tp == null ? null : new Escaped(tp));
    }

    /** A throwable as logback sees it, with its message and those of its causes escaped. */
    private record Escaped(IThrowableProxy inner) implements IThrowableProxy {
        @Override
        public String getMessage() {
            return inner.getMessage() == null ? null : LogSafe.text(inner.getMessage());
        }

        @Override
        public String getClassName() {
            return inner.getClassName();
        }

        @Override
        public StackTraceElementProxy[] getStackTraceElementProxyArray() {
            return inner.getStackTraceElementProxyArray();
        }

        @Override
        public int getCommonFrames() {
            return inner.getCommonFrames();
        }

        @Override
        public IThrowableProxy getCause() {
            return inner.getCause() == null ? null : new Escaped(inner.getCause());
        }

        @Override
        public IThrowableProxy[] getSuppressed() {
            IThrowableProxy[] s = inner.getSuppressed();
            if (s == null) {
                return null;
            }
            IThrowableProxy[] out = new IThrowableProxy[s.length];
            for (int i = 0; i < s.length; i++) {
                out[i] = new Escaped(s[i]);
            }
            return out;
        }

        @Override
        public boolean isCyclic() {
            return inner.isCyclic();
        }
    }
}
