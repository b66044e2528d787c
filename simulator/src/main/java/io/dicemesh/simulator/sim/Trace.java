package io.dicemesh.simulator.sim;

import com.google.common.io.BaseEncoding;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The run's event trace: every input a node handled and every effect it produced, folded into one SHA-256 (the
 * trace hash), and written out line by line when a trace file is asked for. Same seed and build, same hash.
 */
public final class Trace {
    private final MessageDigest digest;
    private final BufferedWriter writer;
    private long lines;

    public Trace(BufferedWriter writer) {
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        this.writer = writer;
    }

    public void record(long atMs, int node, String what) {
        String line = atMs + " n" + node + " " + what;
        digest.update(line.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) '\n');
        lines++;
        if (writer != null) {
            try {
                writer.write(line);
                writer.newLine();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the trace", e);
            }
        }
    }

    /** Folds raw bytes (a frame) into the hash without writing them out. */
    public void recordBytes(byte[] bytes) {
        digest.update(bytes);
    }

    public long lines() {
        return lines;
    }

    /** The hash of everything recorded so far (does not end the trace). */
    public String hash() {
        try {
            MessageDigest copy = (MessageDigest) digest.clone();
            return BaseEncoding.base16().lowerCase().encode(copy.digest());
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }

    public void close() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close the trace", e);
            }
        }
    }
}
