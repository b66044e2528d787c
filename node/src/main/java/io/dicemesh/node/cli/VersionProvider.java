package io.dicemesh.node.cli;

import io.dicemesh.protocol.WireLimits;
import picocli.CommandLine.IVersionProvider;

/** Prints the build version and the protocol version spoken. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"dicemesh " + (v == null ? "dev" : v) + " (protocol " + WireLimits.PROTOCOL_VERSION + ")"};
    }
}
