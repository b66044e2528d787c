package io.dicemesh.crypto;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A seeded run of 1,000,000 rolls derived exactly as the protocol derives them (seed from the players' nonces, dice
 * from the seed): every face and every sum 2..12 within 4 standard deviations of its expected count.
 */
class DiceDistributionTest {
    private static final int ROLLS = 1_000_000;
    private static final double SIGMAS_MAX = 4.0;

    @Test
    void facesAndSumsAreUniformWithinFourSigmaOverAMillionRolls() {
        long seed = Long.getLong("dicemesh.test.seed", 20261122L);
        System.out.println("DiceDistributionTest seed=" + seed
                + " (replay: mvn -pl crypto -am verify -Dtest=DiceDistributionTest -Dsurefire.failIfNoSpecifiedTests=false -Ddicemesh.test.seed=" + seed + ")");
        Random random = new Random(seed);
        byte[] table = new byte[32];
        random.nextBytes(table);
        long[] faces = new long[7];
        long[] sums = new long[13];
        for (int roll = 1; roll <= ROLLS; roll++) {
            List<byte[]> nonces = new ArrayList<>(3);
            for (int p = 0; p < 3; p++) {
                byte[] nonce = new byte[32];
                random.nextBytes(nonce);
                nonces.add(nonce);
            }
            int[] dice = Dice.roll(Dice.seed(table, roll, nonces));
            faces[dice[0]]++;
            faces[dice[1]]++;
            sums[dice[0] + dice[1]]++;
        }

        List<String> failures = new ArrayList<>();
        double faceChi = 0;
        long dieCount = 2L * ROLLS;
        for (int f = 1; f <= 6; f++) {
            faceChi += check("face " + f, faces[f], dieCount, 1.0 / 6, failures);
        }
        double sumChi = 0;
        for (int s = 2; s <= 12; s++) {
            double p = (6 - Math.abs(s - 7)) / 36.0;
            sumChi += check("sum " + s, sums[s], ROLLS, p, failures);
        }
        System.out.printf("faces: chi-square %.3f (5 degrees of freedom; 99.9%% critical value 20.515)%n", faceChi);
        System.out.printf("sums:  chi-square %.3f (10 degrees of freedom; 99.9%% critical value 29.588)%n", sumChi);
        assertTrue(failures.isEmpty(), "seed " + seed + ": " + failures);
    }

    /** Returns the cell's chi-square term and records it if more than 4 sigma off. */
    private static double check(String what, long observed, long trials, double p, List<String> failures) {
        double expected = trials * p;
        double sigma = Math.sqrt(trials * p * (1 - p));
        double z = (observed - expected) / sigma;
        if (Math.abs(z) > SIGMAS_MAX) {
            failures.add(String.format("%s: %d observed, %.0f expected (%.2f sigma)", what, observed, expected, z));
        }
        double d = observed - expected;
        return d * d / expected;
    }
}
