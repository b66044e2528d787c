package io.dicemesh.node.daemon;

import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.KeyFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.dicemesh.node.ledger.OwnerOnly;
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

    /**
     * What {@link #initialize} did.
     *
     * @param tightenedFrom the modes an existing dir had before it was made 0700, or null when it was new or 0700
     */
    public record InitResult(Identity identity, boolean created, String tightenedFrom) {
    }

    /**
     * Creates the dir, or takes an existing one, with mode 0700, and a fresh key, unless a key is already there;
     * never overwrites a key.
     */
    public InitResult initialize(SecureRandom random) throws KeyFileException {
        if (isInitialized()) {
            return new InitResult(Identity.load(keyFile()), false, null);
        }
        String tightenedFrom;
        try {
            boolean existed = Files.exists(root);
            if (!existed) {
                Files.createDirectories(root);
            } else if (!Files.isDirectory(root)) {
                throw new KeyFileException(root + " exists and is not a directory");
            }
            String before = OwnerOnly.directory(root); // a dir that existed keeps no group or other access either
            tightenedFrom = existed ? before : null;
        } catch (IOException e) {
            throw new KeyFileException("cannot create data dir " + root + ": " + e.getMessage());
        }
        Identity identity = Identity.generate(random);
        identity.save(keyFile());
        return new InitResult(identity, true, tightenedFrom);
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

}
