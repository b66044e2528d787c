package io.dicemesh.crypto;

/** Why an envelope was not accepted. Each is counted against the peer that sent it. */
public enum RejectReason {
    OVERSIZE("frame larger than the 1 MiB limit, or a message larger than its kind allows"),
    MALFORMED_ENVELOPE("bytes are not an envelope"),
    WRONG_VERSION("protocol version not spoken here"),
    BAD_SENDER("sender is not a valid Ed25519 public key"),
    BAD_SIGNATURE("signature does not verify for the sender"),
    MALFORMED_BODY("signed body is not a message"),
    UNKNOWN_KIND("signed body holds no message kind known to this version"),
    UNEXPECTED_KIND("message kind not allowed here"),
    UNKNOWN_FIELDS("envelope or body carries fields this version does not know");

    private final String meaning;

    RejectReason(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }

    /** Name as used in logs and metrics labels, e.g. {@code bad-signature}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
