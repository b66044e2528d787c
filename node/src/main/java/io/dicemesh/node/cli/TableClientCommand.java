package io.dicemesh.node.cli;

import picocli.CommandLine.Parameters;

/** A client command about one table, named by its first parameter: checked before any request is sent. */
abstract class TableClientCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "TABLE", description = "Table id (or its first 4+ characters).")
    String table;

    @Override
    void check() {
        checkTable(table);
    }
}
