package io.dicemesh.node.game;

import java.util.ArrayList;
import java.util.List;

/** Everything a table's reads show, as one value: equal snapshots mean nothing observable changed. */
record TableSnapshot(CrapsRules rules, List<Long> stacks, List<Long> withdrawn, List<Boolean> active, long bank,
        int point, int shooter, List<Bet> felt, long total) {

    static TableSnapshot of(CrapsTable table) {
        List<Long> stacks = new ArrayList<>();
        List<Long> withdrawn = new ArrayList<>();
        List<Boolean> active = new ArrayList<>();
        for (int seat = 0; seat < table.seats(); seat++) {
            stacks.add(table.stack(seat));
            withdrawn.add(table.withdrawn(seat));
            active.add(table.isActive(seat));
        }
        return new TableSnapshot(table.rules(), stacks, withdrawn, active, table.bank(), table.point(),
                table.shooter(), table.felt(), table.total());
    }

    /** Rebuilds the table through the public restore, from the reads alone. */
    CrapsTable restore(long nextBetId) {
        long[] stackArray = stacks.stream().mapToLong(Long::longValue).toArray();
        long[] withdrawnArray = withdrawn.stream().mapToLong(Long::longValue).toArray();
        boolean[] activeArray = new boolean[active.size()];
        for (int i = 0; i < activeArray.length; i++) {
            activeArray[i] = active.get(i);
        }
        return CrapsTable.restore(rules, stackArray, bank, withdrawnArray, activeArray, point, shooter, felt,
                nextBetId);
    }
}
