package io.dicemesh.node.core;

import io.dicemesh.node.game.Bet;
import io.dicemesh.node.game.BetKind;
import io.dicemesh.node.game.CrapsRules;
import io.dicemesh.node.game.OddsLimits;
import io.dicemesh.protocol.BetType;
import io.dicemesh.protocol.OddsMultiples;
import io.dicemesh.protocol.TableRules;
import java.util.Optional;

/** Conversions between the craps model and its wire form. */
final class GameProtos {
    private GameProtos() {
    }

    static Optional<BetKind> kind(BetType wire) {
        if (wire == null || wire == BetType.BET_TYPE_UNSPECIFIED || wire == BetType.UNRECOGNIZED) {
            return Optional.empty();
        }
        return Optional.of(BetKind.valueOf(wire.name()));
    }

    static BetType wire(BetKind kind) {
        return BetType.valueOf(kind.name());
    }

    static CrapsRules rules(TableRules wire) {
        OddsMultiples o = wire.getOdds();
        return new CrapsRules(wire.getMinBet(), wire.getMaxBet(),
                new OddsLimits(o.getFour(), o.getFive(), o.getSix(), o.getEight(), o.getNine(), o.getTen()), true,
                feltBetsPerSeat(wire));
    }

    /** The rules' bound of bets a seat may have on the felt (see {@link CrapsRules#feltBetsPerSeatOf}). */
    static int feltBetsPerSeat(TableRules wire) {
        return CrapsRules.feltBetsPerSeatOf(wire.getFeltBetsPerSeat());
    }

    static OddsMultiples wire(OddsLimits odds) {
        return OddsMultiples.newBuilder().setFour(odds.four()).setFive(odds.five()).setSix(odds.six())
                .setEight(odds.eight()).setNine(odds.nine()).setTen(odds.ten()).build();
    }

    static io.dicemesh.protocol.Bet wire(Bet bet) {
        return io.dicemesh.protocol.Bet.newBuilder().setId(bet.id()).setSeat(bet.seat()).setType(wire(bet.kind()))
                .setStake(bet.stake()).setNumber(bet.number()).setOnBet(bet.on()).setComePoint(bet.comePoint())
                .build();
    }

    static Bet bet(io.dicemesh.protocol.Bet wire) {
        BetKind kind = kind(wire.getType()).orElseThrow(
                () -> new IllegalStateException("stored bet " + wire.getId() + " has no known type"));
        return new Bet(wire.getId(), wire.getSeat(), kind, wire.getStake(), wire.getNumber(), wire.getOnBet(),
                wire.getComePoint());
    }
}
