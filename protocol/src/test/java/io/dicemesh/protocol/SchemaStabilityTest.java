package io.dicemesh.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Field numbers are part of the wire format: this test pins every field and enum value of every .proto to the
 * list in schema-fields.txt. A renumbered, renamed-in-place or removed entry fails; a new field must be appended
 * to the list, which makes every schema change a deliberate one.
 */
class SchemaStabilityTest {
    private static final List<FileDescriptor> FILES = List.of(
            EnvelopeProto.getDescriptor(), BodyProto.getDescriptor(), MeshProto.getDescriptor(),
            TableProto.getDescriptor(), DiceProto.getDescriptor(), CommitProto.getDescriptor());

    @Test
    void everyPinnedFieldKeepsItsNumberAndEveryFieldIsPinned() throws IOException {
        Set<String> actual = currentSchema();
        Set<String> pinned = pinnedSchema();
        List<String> missing = new ArrayList<>();
        for (String line : pinned) {
            if (!actual.contains(line)) {
                missing.add(line);
            }
        }
        List<String> unpinned = new ArrayList<>();
        for (String line : actual) {
            if (!pinned.contains(line)) {
                unpinned.add(line);
            }
        }
        assertTrue(missing.isEmpty(), "stable fields changed or removed (never renumber; mark unused fields "
                + "reserved): " + missing);
        assertTrue(unpinned.isEmpty(), "new fields: append these lines to protocol/src/test/resources/"
                + "schema-fields.txt: " + unpinned);
    }

    /** Version 2: departures (DESIGN 5b) changed what a certificate, a round and a tx may be. */
    @Test
    void protocolVersionIsTwo() {
        assertEquals(2, WireLimits.PROTOCOL_VERSION);
    }

    static Set<String> currentSchema() {
        Set<String> lines = new TreeSet<>();
        for (FileDescriptor file : FILES) {
            for (Descriptor message : file.getMessageTypes()) {
                addMessage(message, lines);
            }
            for (EnumDescriptor e : file.getEnumTypes()) {
                addEnum(e, lines);
            }
        }
        return lines;
    }

    private static void addMessage(Descriptor message, Set<String> lines) {
        for (FieldDescriptor f : message.getFields()) {
            lines.add(message.getFullName() + "." + f.getName() + " = " + f.getNumber());
        }
        for (Descriptor nested : message.getNestedTypes()) {
            addMessage(nested, lines);
        }
        for (EnumDescriptor e : message.getEnumTypes()) {
            addEnum(e, lines);
        }
    }

    private static void addEnum(EnumDescriptor e, Set<String> lines) {
        for (EnumValueDescriptor v : e.getValues()) {
            lines.add(e.getFullName() + "." + v.getName() + " = " + v.getNumber());
        }
    }

    private static Set<String> pinnedSchema() throws IOException {
        try (InputStream in = SchemaStabilityTest.class.getResourceAsStream("/schema-fields.txt")) {
            assertTrue(in != null, "schema-fields.txt missing from test resources");
            Set<String> lines = new TreeSet<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    lines.add(t);
                }
            }
            return lines;
        }
    }
}
