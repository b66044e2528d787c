package io.dicemesh.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.io.BaseEncoding;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.dicemesh.protocol.TestData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every case of ../shared/testdata/dice-vectors.json: commitments, seed and dice. */
class DiceVectorsTest {
    private static final BaseEncoding HEX = BaseEncoding.base16().lowerCase();

    @Test
    void everyVectorGivesItsCommitmentsSeedAndDice() {
        JsonObject root = TestData.json("dice-vectors.json");
        int cases = 0;
        for (JsonElement e : root.getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            byte[] table = HEX.decode(c.get("table_id").getAsString());
            long rollNo = c.get("roll_no").getAsLong();
            JsonArray players = c.getAsJsonArray("players");
            JsonArray nonces = c.getAsJsonArray("nonces");
            JsonArray commitments = c.getAsJsonArray("commitments");
            assertEquals(players.size(), nonces.size());
            List<byte[]> nonceList = new ArrayList<>();
            for (int i = 0; i < players.size(); i++) {
                byte[] nonce = HEX.decode(nonces.get(i).getAsString());
                nonceList.add(nonce);
                byte[] commitment = Dice.commitment(table, rollNo, HEX.decode(players.get(i).getAsString()), nonce);
                assertArrayEquals(HEX.decode(commitments.get(i).getAsString()), commitment,
                        "commitment " + i + " of case " + cases);
            }
            byte[] seed = Dice.seed(table, rollNo, nonceList);
            assertEquals(c.get("seed").getAsString(), HEX.encode(seed), "seed of case " + cases);
            JsonArray dice = c.getAsJsonArray("dice");
            int[] rolled = Dice.roll(seed);
            assertArrayEquals(new int[] {dice.get(0).getAsInt(), dice.get(1).getAsInt()}, rolled,
                    "dice of case " + cases);
            cases++;
        }
        assertTrue(cases > 0, "no dice vectors read");
    }

    @Test
    void bytesAtOrAbove252AreSkippedAndTheHashStreamContinues() {
        byte[] seed = new byte[32];
        java.util.Arrays.fill(seed, (byte) 0xfc);
        // No byte of the seed is usable; the dice come from SHA-256(seed || counter) blocks.
        byte[] block0 = Sha256.hash(seed, Sha256.longBytes(0));
        List<Integer> expected = new ArrayList<>();
        for (byte b : block0) {
            if ((b & 0xff) < 252 && expected.size() < 2) {
                expected.add((b & 0xff) % 6 + 1);
            }
        }
        int[] dice = Dice.roll(seed);
        assertEquals(expected.get(0), dice[0]);
        assertEquals(expected.get(1), dice[1]);

        byte[] mixed = new byte[32];
        java.util.Arrays.fill(mixed, (byte) 0xff);
        mixed[5] = (byte) 251; // 251 % 6 + 1 = 6
        mixed[9] = 0;          // 0 % 6 + 1 = 1
        assertArrayEquals(new int[] {6, 1}, Dice.roll(mixed));
    }
}
