package io.dicemesh.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.io.BaseEncoding;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.dicemesh.protocol.TestData;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.junit.jupiter.api.Test;

/** Every RFC 8032 section 7.1 case from ../shared/testdata/ed25519-rfc8032.json. */
class Ed25519VectorsTest {
    private static final BaseEncoding HEX = BaseEncoding.base16().lowerCase();

    @Test
    void everyRfc8032CaseSignsAndVerifiesExactly() {
        JsonObject root = TestData.json("ed25519-rfc8032.json");
        int cases = 0;
        for (JsonElement e : root.getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            byte[] secret = HEX.decode(c.get("secret_key").getAsString());
            byte[] publicKey = HEX.decode(c.get("public_key").getAsString());
            byte[] message = HEX.decode(c.get("message").getAsString());
            byte[] expected = HEX.decode(c.get("signature").getAsString());

            Identity id = Identity.fromSeed(secret);
            assertArrayEquals(publicKey, id.nodeId().bytes(), "public key of case " + cases);
            byte[] signature = id.signRaw(message);
            assertArrayEquals(expected, signature, "signature of case " + cases);
            assertTrue(Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length));
            byte[] tampered = signature.clone();
            tampered[0] ^= 1;
            assertFalse(Ed25519.verify(tampered, 0, publicKey, 0, message, 0, message.length));
            cases++;
        }
        assertEquals(3, cases, "RFC 8032 section 7.1 tests 1-3");
    }
}
