package io.dicemesh.protocol;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the shared test vectors through the relative path {@code ../shared/testdata/} beside the repository. Tests
 * run with a module as their working dir, so the repository root is found by walking up. A missing file fails the
 * test: a vector test that cannot find its vectors must never pass.
 */
public final class TestData {
    private static final String RELATIVE_DIR = "../shared/testdata/";

    private TestData() {
    }

    public static Path path(String fileName) {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path candidate = d.resolve(RELATIVE_DIR + fileName).normalize();
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("test vectors " + RELATIVE_DIR + fileName + " not found from " + dir
                + " or any parent: clone dicemesh beside the shared/ folder");
    }

    public static JsonObject json(String fileName) {
        try {
            return JsonParser.parseString(Files.readString(path(fileName), StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new AssertionError("cannot read " + fileName + ": " + e.getMessage(), e);
        }
    }
}
