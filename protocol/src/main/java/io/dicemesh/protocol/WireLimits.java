package io.dicemesh.protocol;

/**
 * Limits every dicemesh node enforces on what it accepts from the wire. Anything over a limit is rejected with a
 * clear reason and changes no state. Each name ends in its unit.
 */
public final class WireLimits {
    /** The protocol version this build speaks; an envelope with any other version is rejected. */
    public static final int PROTOCOL_VERSION = 2;

    /** Largest frame (one serialized Envelope, without its 4-byte length prefix): 1 MiB. */
    public static final int FRAME_BYTES_MAX = 1 << 20;
    /**
     * Largest frame before a channel is bound. TLS carries the whole handshake, so no frame is legal before it;
     * this bounds what is read of one that arrives anyway.
     */
    public static final int HANDSHAKE_FRAME_BYTES_MAX = 4 << 10;

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
     * per player in the justification, each of up to STATUS_BYTES_MAX).
     */
    public static final int TX_BYTES_MAX = FRAME_BYTES_MAX - 160 * 1024;

    /** Most signed peer records in one PeerList. */
    public static final int PEERS_PER_LIST_MAX = 256;

    /** Views above its current one a node keeps Statuses and Prepares for; a liar cannot make it store more. */
    public static final int VIEWS_AHEAD_MAX = 8;

    /** Most certificates in one CertificateReply. */
    public static final int CERTIFICATES_PER_REPLY_MAX = 64;

    /** Longest listen address string ("host:port"). */
    public static final int ADDR_CHARS_MAX = 255;

    /** Largest serialized Genesis in a TableInvite: 16 seats and the rules take well under 1 KiB. */
    public static final int GENESIS_BYTES_MAX = 4 * 1024;

    /**
     * Largest signed IntentBatch envelope: a full batch of 4096 intents of the largest honest size is under 200 KiB,
     * and a tx holds at least three batches this big, so no single batch can crowd every other out of a slot.
     */
    public static final int INTENT_BATCH_BYTES_MAX = 256 * 1024;

    /**
     * Largest signed Status envelope: its lock (one Proposal envelope), the players it goes without, and during a
     * roll up to one DiceReveal per player, and up to 3 KiB of proofs that players it goes without lied; a
     * justification holds one per player.
     */
    public static final int STATUS_BYTES_MAX = 8 * 1024;

    /** Largest envelope of the small fixed-shape kinds: votes, nacks, proposals, dice, accepts, queries, pings. */
    public static final int SMALL_MESSAGE_BYTES_MAX = 1024;

    /** Largest signed PeerList: one small envelope per record, at most {@link #PEERS_PER_LIST_MAX} of them. */
    public static final int PEER_LIST_BYTES_MAX = PEERS_PER_LIST_MAX * SMALL_MESSAGE_BYTES_MAX + 1024;

    /**
     * The largest envelope of each body kind a node accepts: the one place the size of every message a peer
     * sends is bounded, checked by the verifier for envelopes on the wire and embedded ones alike. Kinds that carry
     * a tx or certificates may fill a frame.
     */
    public static int envelopeBytesMax(Body.KindCase kind) {
        return switch (kind) {
            case PREPARE, CERTIFICATE_REPLY, EVIDENCE_REPORT -> FRAME_BYTES_MAX;
            case INTENT_BATCH -> INTENT_BATCH_BYTES_MAX;
            case TABLE_INVITE -> GENESIS_BYTES_MAX + SMALL_MESSAGE_BYTES_MAX;
            case PEER_LIST -> PEER_LIST_BYTES_MAX;
            case STATUS -> STATUS_BYTES_MAX;
            case HELLO, PING, PONG, PEER_RECORD, GENESIS_ACCEPT, GENESIS_QUERY, DICE_COMMITMENT,
                    DICE_REVEAL, DICE_NONCE_SEED, PROPOSAL, VOTE, NACK, CERTIFICATE_QUERY -> SMALL_MESSAGE_BYTES_MAX;
            case KIND_NOT_SET -> 0;
        };
    }

    /** Length of a NodeId (an Ed25519 public key), of a table id and of every hash: SHA-256. */
    public static final int ID_BYTES = 32;

    /** Length of an Ed25519 signature. */
    public static final int SIGNATURE_BYTES = 64;

    /** Length of a dice nonce. */
    public static final int NONCE_BYTES = 32;

    private WireLimits() {
    }
}
