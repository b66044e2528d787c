package io.dicemesh.node.core;

import com.google.common.io.BaseEncoding;
import com.google.protobuf.ByteString;

/** Hex for hashes in logs and reports. */
public final class Hex {
    private Hex() {
    }

    public static String of(ByteString bytes) {
        return BaseEncoding.base16().lowerCase().encode(bytes.toByteArray());
    }

    /** The first 8 hex characters. */
    public static String shortOf(ByteString bytes) {
        String h = of(bytes);
        return h.length() <= 8 ? h : h.substring(0, 8);
    }
}
