package io.dicemesh.node.ledger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Owner-only modes for what holds a node's secrets (its key, votes and ledger): directories 0700, files 0600. The
 * one place the data dir, the ledger dir and a backup get their modes. On a file system without POSIX modes it does
 * nothing.
 */
public final class OwnerOnly {
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnly() {
    }

    /**
     * Makes a directory 0700 (not following a link).
     *
     * @return the modes it had before, e.g. {@code rwxr-xr-x}, when they were wider; null when nothing changed
     */
    public static String directory(Path dir) throws IOException {
        if (!Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            return null;
        }
        Set<PosixFilePermission> before = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        if (before.equals(DIR)) {
            return null;
        }
        Files.setPosixFilePermissions(dir, DIR);
        return PosixFilePermissions.toString(before);
    }

    /** Directories 0700 and files 0600 below {@code root} and itself, following no link. */
    public static void tree(Path root) throws IOException {
        if (!Files.getFileStore(root).supportsFileAttributeView("posix")) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (!Files.isSymbolicLink(p)) {
                    Files.setPosixFilePermissions(p, Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? DIR : FILE);
                }
            }
        }
    }
}
