package io.dicemesh.node.core;

import com.google.common.io.BaseEncoding;
import com.google.protobuf.ByteString;
import io.dicemesh.protocol.WireLimits;

/** A table's id: SHA-256 of its genesis bytes. Hex for people; 8-char short form in logs. */
public record TableId(ByteString bytes) implements Comparable<TableId> {
    public TableId {
        if (bytes == null || bytes.size() != WireLimits.ID_BYTES) {
            throw new IllegalArgumentException("a table id is " + WireLimits.ID_BYTES + " bytes");
        }
    }

    public static boolean isWellFormed(ByteString bytes) {
        return bytes != null && bytes.size() == WireLimits.ID_BYTES;
    }

    public static TableId of(byte[] bytes) {
        return new TableId(ByteString.copyFrom(bytes));
    }

    /** Parses 64 hex characters, or throws IllegalArgumentException with a readable message. */
    public static TableId fromHex(String hex) {
        String h = hex == null ? "" : hex.trim().toLowerCase(java.util.Locale.ROOT);
        if (h.length() != WireLimits.ID_BYTES * 2 || !h.matches("[0-9a-f]+")) {
            throw new IllegalArgumentException("not a table id (want 64 hex characters): '" + hex + "'");
        }
        return of(BaseEncoding.base16().lowerCase().decode(h));
    }

    public byte[] toByteArray() {
        return bytes.toByteArray();
    }

    public String hex() {
        return BaseEncoding.base16().lowerCase().encode(bytes.toByteArray());
    }

    public String shortHex() {
        return hex().substring(0, 8);
    }

    @Override
    public int compareTo(TableId o) {
        return ByteString.unsignedLexicographicalComparator().compare(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return shortHex();
    }
}
