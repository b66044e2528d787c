package io.dicemesh.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.dicemesh.protocol.Genesis;
import io.dicemesh.protocol.OddsMultiples;
import io.dicemesh.protocol.Seat;
import io.dicemesh.protocol.TableRules;
import io.dicemesh.protocol.WireLimits;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link GenesisRules}: a reason for every bad genesis, none for a good one, limits inclusive. */
@Timeout(10)
class GenesisRulesTest {
    private final Genesis good = new TableFixture(3, 1000, 100_000).genesis;

    private static void fine(Genesis g) {
        assertNull(GenesisRules.problem(g));
    }

    private void bad(String expectedWords, UnaryOperator<Genesis.Builder> change) {
        String problem = GenesisRules.problem(change.apply(good.toBuilder()).build());
        assertNotNull(problem, "expected a problem about " + expectedWords);
        assertTrue(problem.contains(expectedWords), problem);
    }

    private void badRules(String expectedWords, UnaryOperator<TableRules.Builder> change) {
        bad(expectedWords, g -> g.setRules(change.apply(g.getRules().toBuilder())));
    }

    private static Seat seat(String label, long stack) {
        return Seat.newBuilder().setPlayer(Wire.identity(label).nodeId().byteString()).setStack(stack).build();
    }

    @Test
    void aGoodGenesisHasNoProblem() {
        fine(good);
    }

    @Test
    void protocolVersionMustBeThisOne() {
        bad("protocol version", g -> g.setProtocolVersion(WireLimits.PROTOCOL_VERSION + 1));
        bad("protocol version", g -> g.setProtocolVersion(0));
    }

    @Test
    void oneToSixteenPlayers() {
        bad("players", g -> g.clearSeats());
        Genesis.Builder sixteen = good.toBuilder().clearSeats();
        for (int i = 0; i < WireLimits.PLAYERS_PER_TABLE_MAX; i++) {
            sixteen.addSeats(i == 0 ? good.getSeats(0) : seat("p" + i, 10));
        }
        fine(sixteen.build());
        bad("players", g -> sixteen.build().toBuilder().addSeats(seat("p16", 10)));
        fine(good.toBuilder().clearSeats().addSeats(good.getSeats(0)).build());
    }

    @Test
    void everyPlayerIsANodeIdSeatedOnce() {
        bad("not a node id", g -> g.setSeats(1, g.getSeats(1).toBuilder()
                .setPlayer(ByteString.copyFrom(new byte[31]))));
        bad("seated twice", g -> g.setSeats(2, g.getSeats(1)));
    }

    @Test
    void stacksAndBankAreNonNegativeAndTheirTotalIsBounded() {
        bad("negative bank", g -> g.setBank(-1));
        bad("exceed", g -> g.setSeats(1, g.getSeats(1).toBuilder().setStack(-1)));
        bad("exceed", g -> g.setSeats(1, g.getSeats(1).toBuilder().setStack(GenesisRules.TOTAL_MAX + 1)));
        bad("exceed", g -> g.setBank(GenesisRules.TOTAL_MAX).setSeats(0, g.getSeats(0).toBuilder().setStack(1)));
        fine(good.toBuilder().setBank(GenesisRules.TOTAL_MAX - 2000)
                .setSeats(2, good.getSeats(2).toBuilder().setStack(0)).build());
        fine(good.toBuilder().setBank(0).build());
    }

    @Test
    void theCreatorIsOneOfThePlayers() {
        bad("creator", g -> g.setCreator(Wire.identity("outsider").nodeId().byteString()));
        bad("creator", g -> g.setCreator(ByteString.EMPTY));
        fine(good.toBuilder().setCreator(good.getSeats(2).getPlayer()).build());
    }

    @Test
    void saltIsSixteenBytes() {
        bad("salt", g -> g.setSalt(ByteString.copyFrom(new byte[15])));
        bad("salt", g -> g.setSalt(ByteString.EMPTY));
        bad("salt", g -> g.setSalt(ByteString.copyFrom(new byte[17])));
    }

    @Test
    void betLimitsOddsAndTimeoutsAreInRange() {
        badRules("bet limits", r -> r.setMinBet(0));
        badRules("bet limits", r -> r.setMaxBet(4));
        badRules("bet limits", r -> r.setMaxBet(GenesisRules.TOTAL_MAX + 1));
        fine(good.toBuilder().setRules(good.getRules().toBuilder().setMinBet(7).setMaxBet(7)).build());
        badRules("odds", r -> r.setOdds(r.getOdds().toBuilder().setSix(0)));
        badRules("odds", r -> r.setOdds(r.getOdds().toBuilder().setTen(GenesisRules.ODDS_MULTIPLE_MAX + 1)));
        badRules("odds", r -> r.clearOdds());
        fine(good.toBuilder().setRules(good.getRules().toBuilder().setOdds(OddsMultiples.newBuilder()
                .setFour(1).setFive(1).setSix(1).setEight(1).setNine(1).setTen(GenesisRules.ODDS_MULTIPLE_MAX)))
                .build());
        badRules("view timeout", r -> r.setViewTimeoutMs(0));
        badRules("view timeout", r -> r.setViewTimeoutMs(GenesisRules.RULE_VIEW_TIMEOUT_MAX_MS + 1));
        fine(good.toBuilder().setRules(good.getRules().toBuilder().setViewTimeoutMs(GenesisRules.RULE_VIEW_TIMEOUT_MAX_MS)
                .setAbsentTimeoutMs(2 * GenesisRules.RULE_VIEW_TIMEOUT_MAX_MS)).build());
        badRules("dice timeout", r -> r.setDiceTimeoutMs(0));
        badRules("dice timeout", r -> r.setDiceTimeoutMs(GenesisRules.RULE_DICE_TIMEOUT_MAX_MS + 1));
        badRules("dice timeout", r -> r.setDiceTimeoutMs(999)); // the floor: no withholder after less than 1 s
        fine(good.toBuilder().setRules(good.getRules().toBuilder().setDiceTimeoutMs(1000)).build());
        badRules("absent timeout", r -> r.setAbsentTimeoutMs(0));
        badRules("absent timeout", r -> r.setAbsentTimeoutMs(999));
        badRules("absent timeout", r -> r.setAbsentTimeoutMs(GenesisRules.RULE_ABSENT_TIMEOUT_MAX_MS + 1));
        fine(good.toBuilder().setRules(good.getRules().toBuilder().setAbsentTimeoutMs(1000)).build());
        fine(good.toBuilder().setRules(good.getRules().toBuilder()
                .setAbsentTimeoutMs(GenesisRules.RULE_ABSENT_TIMEOUT_MAX_MS)).build());
        // nobody is found gone before the first view change has let it be heard
        badRules("twice the view timeout", r -> r.setViewTimeoutMs(5_000).setAbsentTimeoutMs(9_999));
        fine(good.toBuilder().setRules(good.getRules().toBuilder().setViewTimeoutMs(5_000).setAbsentTimeoutMs(10_000))
                .build());
    }

    @Test
    void liarsToleratedIsBelowThePlayerCount() {
        int n = good.getSeatsCount();
        fine(good.toBuilder().setRules(good.getRules().toBuilder().setLiarsTolerated(n - 1)).build());
        badRules("liars tolerated", r -> r.setLiarsTolerated(n));
        badRules("liars tolerated", r -> r.setLiarsTolerated(Integer.MAX_VALUE));
        badRules("liars tolerated", r -> r.setLiarsTolerated(-1)); // uint32 on the wire: 2^32 - 1
    }

    @Test
    void feltBetsPerSeatIsUnsetOrOneToAFullIntentBatch() {
        fine(good.toBuilder().setRules(good.getRules().toBuilder().setFeltBetsPerSeat(0)).build());
        fine(good.toBuilder().setRules(good.getRules().toBuilder().setFeltBetsPerSeat(1)).build());
        fine(good.toBuilder().setRules(good.getRules().toBuilder().setFeltBetsPerSeat(4096)).build());
        badRules("felt bets per seat", r -> r.setFeltBetsPerSeat(4097));
        badRules("felt bets per seat", r -> r.setFeltBetsPerSeat(-1)); // uint32 on the wire: 2^32 - 1
        assertEquals(100, GameProtos.rules(good.getRules()).feltBetsPerSeat(), "unset: the old bound");
        assertEquals(7, GameProtos.rules(good.getRules().toBuilder().setFeltBetsPerSeat(7).build()).feltBetsPerSeat());
    }
}
