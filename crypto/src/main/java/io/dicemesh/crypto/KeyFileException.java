package io.dicemesh.crypto;

/** A key file that cannot be written or read; the message says what is wrong and what to do. */
public final class KeyFileException extends Exception {
    public KeyFileException(String message) {
        super(message);
    }
}
