package io.dicemesh.simulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SimMainTest {
    @Test
    void helpExitsZeroAndUnknownCommandsAreUsageErrors() {
        assertEquals(0, SimMain.run("--help"));
        assertEquals(2, SimMain.run("no-such-command"));
    }
}
