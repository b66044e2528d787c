package io.dicemesh.crypto;

import com.google.common.io.BaseEncoding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A node's Ed25519 key pair (Bouncy Castle). The key file holds the 32-byte secret seed as hex on one line and is
 * created with mode 0600; a key file that group or others may read is refused.
 */
public final class Identity {
    /** Name of the key file inside a data dir. */
    public static final String KEY_FILE_NAME = "node.key";

    /** A save's temp file older than this is left over from a crash. */
    static final long STALE_TEMP_MS = 10 * 60_000L;
    private static final SecureRandom TEMP_NAMES = new SecureRandom();

    private static final String KEY_FILE_HEADER = "dicemesh-ed25519-secret-v1 ";
    private static final int KEY_FILE_BYTES_MAX = 1024;
    private static final Set<PosixFilePermission> FORBIDDEN = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final byte[] secretSeed;
    private final byte[] publicKey;
    private final NodeId nodeId;
    private final SignatureScheme scheme;

    private Identity(byte[] secretSeed, SignatureScheme scheme) {
        this.secretSeed = secretSeed;
        this.scheme = scheme;
        this.publicKey = scheme.publicKey(secretSeed);
        this.nodeId = NodeId.of(publicKey);
    }

    private Identity(byte[] secretSeed) {
        this(secretSeed, SignatureScheme.ed25519());
    }

    public static Identity generate(SecureRandom random) {
        byte[] seed = new byte[Ed25519.SECRET_KEY_SIZE];
        Ed25519.generatePrivateKey(random, seed);
        return new Identity(seed);
    }

    /** An identity from a 32-byte secret seed (RFC 8032 "secret key"). */
    public static Identity fromSeed(byte[] seed) {
        return fromSeed(seed, SignatureScheme.ed25519());
    }

    /** An identity under another signature scheme (simulations only). */
    public static Identity fromSeed(byte[] seed, SignatureScheme scheme) {
        if (seed.length != Ed25519.SECRET_KEY_SIZE) {
            throw new IllegalArgumentException("a secret key is 32 bytes, got " + seed.length);
        }
        return new Identity(seed.clone(), scheme);
    }

    public NodeId nodeId() {
        return nodeId;
    }

    /** Plain Ed25519 over the message, no domain prefix. Use {@link Signatures} for anything sent. */
    public byte[] signRaw(byte[] message) {
        return signRaw(message, 0, message.length);
    }

    byte[] signRaw(byte[] message, int offset, int length) {
        byte[] m = offset == 0 && length == message.length ? message : java.util.Arrays.copyOfRange(message, offset,
                offset + length);
        return scheme.sign(secretSeed, publicKey, m);
    }

    /**
     * Writes the key file with mode 0600. Refuses to replace an existing file: a node's key is its identity, and
     * losing it loses every seat it holds.
     */
    public void save(Path file) throws KeyFileException {
        if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new KeyFileException("key file " + file + " already exists; refusing to overwrite it");
        }
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            removeStaleTemps(dir, file.getFileName().toString());
            // A fresh temp file of our own (created new, 0600, written and synced through the channel that created
            // it, never reopened by name), then linked to the final name: creating a link fails if that name exists,
            // so a key made meanwhile is never replaced.
            tmp = dir.resolve(file.getFileName() + "." + Long.toUnsignedString(TEMP_NAMES.nextLong(), 36) + ".tmp");
            String text = KEY_FILE_HEADER + BaseEncoding.base16().lowerCase().encode(secretSeed) + "\n";
            writeNew(tmp, text);
            try {
                Files.createLink(file, tmp);
            } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
                if (e instanceof FileAlreadyExistsException) {
                    throw (FileAlreadyExistsException) e;
                }
                writeNew(file, text); // no hard links here: create the final file itself, new or not at all
            }
        } catch (FileAlreadyExistsException e) {
            throw new KeyFileException("key file " + file + " already exists; refusing to overwrite it");
        } catch (IOException e) {
            throw new KeyFileException("cannot write key file " + file + ": " + e.getMessage());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a stray temp file holds a copy of the key with mode 0600; the next save removes it
                }
            }
        }
    }

    /**
     * Removes temp files an earlier save left behind when it crashed (each holds a key, mode 0600): only save
     * makes names of this shape, and one last written over {@link #STALE_TEMP_MS} ago is no save in progress.
     * Links are removed as links.
     */
    private static void removeStaleTemps(Path dir, String keyName) throws IOException {
        long staleBefore = System.currentTimeMillis() - STALE_TEMP_MS;
        try (var temps = Files.newDirectoryStream(dir, keyName + ".*.tmp")) {
            for (Path p : temps) {
                try {
                    if (Files.getLastModifiedTime(p, java.nio.file.LinkOption.NOFOLLOW_LINKS).toMillis()
                            < staleBefore) {
                        Files.deleteIfExists(p);
                    }
                } catch (java.nio.file.NoSuchFileException gone) {
                    // another save finished with it
                }
            }
        }
    }

    /** Creates {@code file} (failing if it exists), mode 0600 where the file system has modes, with {@code text}. */
    private static void writeNew(Path file, String text) throws IOException {
        java.util.Set<java.nio.file.OpenOption> options = java.util.Set.of(java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE);
        java.nio.file.attribute.FileAttribute<?>[] attrs = supportsPosix(file.toAbsolutePath().getParent())
                ? new java.nio.file.attribute.FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                        EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE))}
                : new java.nio.file.attribute.FileAttribute<?>[0];
        try (var ch = java.nio.channels.FileChannel.open(file, options, attrs)) {
            ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
    }

    /** Loads a key file written by {@link #save}. */
    public static Identity load(Path file) throws KeyFileException {
        try {
            if (supportsPosix(file)) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
                Set<PosixFilePermission> bad = EnumSet.copyOf(FORBIDDEN);
                bad.retainAll(perms);
                if (!bad.isEmpty()) {
                    throw new KeyFileException("key file " + file + " has mode "
                            + PosixFilePermissions.toString(perms) + ", which lets others read it; run 'chmod 600 "
                            + file + "' if it was never exposed, otherwise create a new identity");
                }
            }
            if (Files.size(file) > KEY_FILE_BYTES_MAX) {
                throw new KeyFileException("key file " + file + " is too large to be a dicemesh key");
            }
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (!text.startsWith(KEY_FILE_HEADER.trim())) {
                throw new KeyFileException("key file " + file + " is not a dicemesh key (missing '"
                        + KEY_FILE_HEADER.trim() + "')");
            }
            String hex = text.substring(KEY_FILE_HEADER.trim().length()).trim();
            byte[] seed;
            try {
                seed = BaseEncoding.base16().lowerCase().decode(hex);
            } catch (IllegalArgumentException e) {
                throw new KeyFileException("key file " + file + " is corrupt: the secret is not hex");
            }
            if (seed.length != Ed25519.SECRET_KEY_SIZE) {
                throw new KeyFileException("key file " + file + " is corrupt: the secret is " + seed.length
                        + " bytes, not 32");
            }
            return new Identity(seed);
        } catch (NoSuchFileException e) {
            throw new KeyFileException("no key file at " + file);
        } catch (IOException e) {
            throw new KeyFileException("cannot read key file " + file + ": " + e.getMessage());
        }
    }

    private static boolean supportsPosix(Path p) throws IOException {
        Path existing = p.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing != null && Files.getFileStore(existing).supportsFileAttributeView(PosixFileAttributeView.class);
    }

    @Override
    public String toString() {
        return "Identity[" + nodeId.shortHex() + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Identity other && Arrays.equals(publicKey, other.publicKey);
    }

    @Override
    public int hashCode() {
        return nodeId.hashCode();
    }
}
