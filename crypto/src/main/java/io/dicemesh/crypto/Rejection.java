package io.dicemesh.crypto;

/** An envelope that was dropped, with the reason and a short human detail. */
public record Rejection(RejectReason reason, String detail) implements VerifyResult {
    @Override
    public String toString() {
        return reason.label() + ": " + detail;
    }
}
