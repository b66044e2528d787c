package io.dicemesh.node.api;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * {@code api.json} in a data dir: where the running node's admin API listens and its bearer token. Written by
 * {@code dicemesh run} once the API is up (mode 0600, replaced atomically), deleted when it stops; read by every
 * client command. A file that group or others can read is refused: the token is as good as the node's funds.
 *
 * @param port  the API port on 127.0.0.1
 * @param token the bearer token (hex)
 * @param pid   the process id of the node
 */
public record ApiFile(int port, String token, long pid) {
    public static final String NAME = "api.json";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    public static Path path(Path dataDir) {
        return dataDir.resolve(NAME);
    }

    /** Writes the file (mode 0600 from the start: the token is never readable by others, not even briefly). */
    public void write(Path dataDir) throws IOException {
        Path target = path(dataDir);
        Path tmp = dataDir.resolve(NAME + ".tmp");
        Files.deleteIfExists(tmp);
        if (Files.getFileStore(dataDir).supportsFileAttributeView("posix")) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else {
            Files.createFile(tmp);
        }
        JsonObject o = new JsonObject();
        o.addProperty("port", port);
        o.addProperty("token", token);
        o.addProperty("pid", pid);
        Files.writeString(tmp, ApiJson.GSON.toJson(o) + "\n", StandardCharsets.UTF_8);
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes the data dir's api.json if it is still this one (another node may have replaced it since). */
    public void deleteIfOurs(Path dataDir) {
        try {
            Path p = path(dataDir);
            if (Files.exists(p) && Files.readString(p, StandardCharsets.UTF_8).contains("\"" + token + "\"")) {
                Files.delete(p);
            }
        } catch (IOException e) {
            // nothing to do: a stale api.json makes clients say "no node is running" when nothing answers
        }
    }

    /**
     * Reads a data dir's api.json, or explains in one line why a client cannot use it: missing (no node runs),
     * readable by others, or damaged.
     */
    public static ApiFile read(Path dataDir) throws ApiException {
        Path p = path(dataDir);
        if (!Files.exists(p)) {
            throw notRunning(dataDir);
        }
        String text;
        try {
            if (Files.getFileStore(p).supportsFileAttributeView("posix")) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                if (perms.stream().anyMatch(x -> !x.name().startsWith("OWNER_"))) {
                    throw new ApiException("api-file", p + " is open to other users (mode "
                            + PosixFilePermissions.toString(perms) + "); its API token must stay private: "
                            + "chmod 600 " + p);
                }
            }
            text = Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ApiException("api-file", "cannot read " + p + ": " + e.getMessage());
        }
        try {
            JsonObject o = ApiRequests.object(text);
            int port = o.get("port").getAsInt();
            String token = o.get("token").getAsString();
            long pid = o.has("pid") ? o.get("pid").getAsLong() : 0;
            if (port < 1 || port > 65_535 || token.isEmpty()) {
                throw new IllegalArgumentException("bad port or token");
            }
            return new ApiFile(port, token, pid);
        } catch (RuntimeException e) {
            throw new ApiException("api-file", p + " is damaged; if no node runs with data dir " + dataDir
                    + ", delete it");
        }
    }

    static ApiException notRunning(Path dataDir) {
        return new ApiException("not-running", "no dicemesh node is running with data dir " + dataDir
                + " (start one with 'dicemesh run --data-dir " + dataDir + "')");
    }

    @Override
    public String toString() {
        return "ApiFile[port=" + port + ", pid=" + pid + "]";
    }
}
