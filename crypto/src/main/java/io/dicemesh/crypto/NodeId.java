package io.dicemesh.crypto;

import com.google.common.io.BaseEncoding;
import com.google.protobuf.ByteString;
import io.dicemesh.protocol.WireLimits;
import java.util.Arrays;

/** A node's identity on the mesh: its 32-byte Ed25519 public key. Shown as lowercase hex; short form 8 chars. */
public final class NodeId implements Comparable<NodeId> {
    public static final int SHORT_HEX_CHARS = 8;

    private final byte[] key;
    private final int hash;

    private NodeId(byte[] key) {
        this.key = key;
        this.hash = Arrays.hashCode(key);
    }

    /** Copies the bytes; they must be exactly 32 long. */
    public static NodeId of(byte[] key) {
        if (key == null || key.length != WireLimits.ID_BYTES) {
            throw new IllegalArgumentException("a node id is " + WireLimits.ID_BYTES + " bytes, got "
                    + (key == null ? "none" : key.length));
        }
        return new NodeId(key.clone());
    }

    public static NodeId of(ByteString key) {
        return of(key.toByteArray());
    }

    /** True when the bytes have the shape of a node id (not whether the key is a valid curve point). */
    public static boolean isWellFormed(ByteString key) {
        return key != null && key.size() == WireLimits.ID_BYTES;
    }

    /** Parses 64 hex characters; throws IllegalArgumentException with a readable message otherwise. */
    public static NodeId fromHex(String hex) {
        String h = hex == null ? "" : hex.trim().toLowerCase(java.util.Locale.ROOT);
        if (h.length() != WireLimits.ID_BYTES * 2 || !h.matches("[0-9a-f]+")) {
            throw new IllegalArgumentException("not a node id (want 64 hex characters): '" + hex + "'");
        }
        return new NodeId(BaseEncoding.base16().lowerCase().decode(h));
    }

    public byte[] bytes() {
        return key.clone();
    }

    public ByteString byteString() {
        return ByteString.copyFrom(key);
    }

    /** Reads without copying; callers must not modify the array. */
    byte[] rawBytes() {
        return key;
    }

    public String hex() {
        return BaseEncoding.base16().lowerCase().encode(key);
    }

    public String shortHex() {
        return hex().substring(0, SHORT_HEX_CHARS);
    }

    public boolean matches(ByteString other) {
        return other != null && other.size() == key.length && other.equals(ByteString.copyFrom(key));
    }

    /** Unsigned lexicographic order of the key bytes (the "lower id" of DESIGN section 4). */
    @Override
    public int compareTo(NodeId other) {
        return Arrays.compareUnsigned(key, other.key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeId other && Arrays.equals(key, other.key);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return shortHex();
    }
}
