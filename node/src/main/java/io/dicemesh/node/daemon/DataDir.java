package io.dicemesh.node.daemon;

import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.KeyFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * A node's data dir: its key ({@value Identity#KEY_FILE_NAME}), its ledger and its local settings. The default is
 * {@code ~/.dicemesh}.
 */
public final class DataDir {
    private final Path root;

    public DataDir(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public static Path defaultPath() {
        return Path.of(System.getProperty("user.home"), ".dicemesh");
    }

    public Path root() {
        return root;
    }

    public Path keyFile() {
        return root.resolve(Identity.KEY_FILE_NAME);
    }

    public Path ledgerDir() {
        return root.resolve("ledger");
    }

    public boolean isInitialized() {
        return Files.exists(keyFile());
    }

    /** What {@link #initialize} did. */
    public record InitResult(Identity identity, boolean created) {
    }

    /**
     * Creates the dir, or takes an existing one, with mode 0700, and a fresh key, unless a key is already there;
     * never overwrites a key.
     */
    public InitResult initialize(SecureRandom random) throws KeyFileException {
        if (isInitialized()) {
            return new InitResult(Identity.load(keyFile()), false);
        }
        try {
            if (!Files.exists(root)) {
                Files.createDirectories(root);
            } else if (!Files.isDirectory(root)) {
                throw new KeyFileException(root + " exists and is not a directory");
            }
            trySetOwnerOnly(root); // a dir that existed keeps no group or other access either
        } catch (IOException e) {
            throw new KeyFileException("cannot create data dir " + root + ": " + e.getMessage());
        }
        Identity identity = Identity.generate(random);
        identity.save(keyFile());
        return new InitResult(identity, true);
    }

    /** Loads the node key, or explains which command creates it. */
    public Identity loadIdentity() throws KeyFileException {
        if (!Files.isDirectory(root)) {
            throw new KeyFileException("no data dir at " + root + "; run 'dicemesh init --data-dir " + root
                    + "' first");
        }
        if (!isInitialized()) {
            throw new KeyFileException("no node key in " + root + "; run 'dicemesh init --data-dir " + root
                    + "' first");
        }
        return Identity.load(keyFile());
    }

    private static void trySetOwnerOnly(Path dir) throws IOException {
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
