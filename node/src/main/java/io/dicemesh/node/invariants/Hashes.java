package io.dicemesh.node.invariants;

import com.google.protobuf.ByteString;
import com.google.common.io.BaseEncoding;

/** Short hex of hashes, for violation messages. */
final class Hashes {
    private Hashes() {
    }

    static String shortOf(ByteString hash) {
        String hex = BaseEncoding.base16().lowerCase().encode(hash.toByteArray());
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }
}
