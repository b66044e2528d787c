package io.dicemesh.crypto;

/** The outcome of checking an envelope: either {@link Verified} or {@link Rejection}, never an exception. */
public sealed interface VerifyResult permits Verified, Rejection {
    default boolean ok() {
        return this instanceof Verified;
    }
}
