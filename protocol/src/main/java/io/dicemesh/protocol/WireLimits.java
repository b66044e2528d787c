package io.dicemesh.protocol;

/**
 * Limits every dicemesh node enforces on what it accepts from the wire. Anything over a limit is rejected with a
 * clear reason and changes no state. Each name ends in its unit.
 */
public final class WireLimits {
    /** The protocol version this build speaks; an envelope with any other version is rejected. */
    public static final int PROTOCOL_VERSION = 1;

    /** Largest frame (one serialized Envelope, without its 4-byte length prefix): 1 MiB. */
    public static final int FRAME_BYTES_MAX = 1 << 20;

    /** Size of the big-endian length prefix in front of every frame. */
    public static final int FRAME_LENGTH_PREFIX_BYTES = 4;

    /** Most players one table may seat. */
    public static final int PLAYERS_PER_TABLE_MAX = 16;

    /** Most intents one signed intent batch may carry. */
    public static final int INTENTS_PER_BATCH_MAX = 4096;

    /** Most intent batches one slot's tx may carry. */
    public static final int BATCHES_PER_TX_MAX = 256;

    /**
     * Largest serialized tx: leaves room in one frame for the Prepare around it (a proposal and up to one Status
     * per player in the justification).
     */
    public static final int TX_BYTES_MAX = FRAME_BYTES_MAX - 64 * 1024;

    /** Most signed peer records in one PeerList. */
    public static final int PEERS_PER_LIST_MAX = 256;

    /** Most certificates in one CertificateReply. */
    public static final int CERTIFICATES_PER_REPLY_MAX = 64;

    /** Longest listen address string ("host:port"). */
    public static final int ADDR_CHARS_MAX = 255;

    /** Length of a NodeId (an Ed25519 public key), of a table id and of every hash: SHA-256. */
    public static final int ID_BYTES = 32;

    /** Length of an Ed25519 signature. */
    public static final int SIGNATURE_BYTES = 64;

    /** Length of a dice nonce and of a handshake nonce. */
    public static final int NONCE_BYTES = 32;

    private WireLimits() {
    }
}
