package io.dicemesh.node.net;

/**
 * Text from outside (a peer's address, a reason it caused, a request's path) made safe to put in a log line: line
 * breaks, other control characters, Unicode format characters (such as the bidirectional overrides that reorder
 * what a reader sees) and backslashes are escaped, and anything past a few hundred characters is cut, so nobody
 * can forge a log line or bury one in a megabyte of text.
 */
public final class LogSafe {
    /** Characters of outside text kept in one log value. */
    public static final int CHARS_MAX = 200;

    private LogSafe() {
    }

    /** {@code value} as text, escaped and cut to {@link #CHARS_MAX} characters. */
    public static String text(Object value) {
        String s = String.valueOf(value);
        StringBuilder out = new StringBuilder(Math.min(s.length(), CHARS_MAX) + 16);
        int kept = 0;
        int i = 0;
        while (i < s.length() && kept < CHARS_MAX) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            kept++;
            if (cp == '\\') {
                out.append("\\\\");
            } else if (cp == '\n') {
                out.append("\\n");
            } else if (cp == '\r') {
                out.append("\\r");
            } else if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT
                    || cp == 0x2028 || cp == 0x2029 || Character.getType(cp) == Character.SURROGATE
                    || Character.getType(cp) == Character.UNASSIGNED && cp > 0xffff) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        }
        if (i < s.length()) {
            out.append("...(").append(s.length() - i).append(" more chars)");
        }
        return out.toString();
    }
}
