package io.dicemesh.node.net;

import com.google.protobuf.CodedOutputStream;
import io.dicemesh.crypto.RejectReason;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.WireLimits;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;

/**
 * The wire framing: every frame is a 4-byte big-endian length followed by that many bytes of one serialized
 * {@link Envelope}, at most {@link WireLimits#FRAME_BYTES_MAX}. A length over the limit fails at once, before any of
 * the payload is awaited; the caller closes the connection.
 */
final class FrameCodec {
    static final int LENGTH_BYTES = WireLimits.FRAME_LENGTH_PREFIX_BYTES;

    /** Largest frame on the wire, length prefix included. */
    static final int WIRE_BYTES_MAX = WireLimits.FRAME_BYTES_MAX + LENGTH_BYTES;

    private FrameCodec() {
    }

    /**
     * A new inbound framer (one per channel): strips the length prefix and passes each frame on as a ByteBuf. The
     * length is read unsigned, so any length over the limit (including ones with the top bit set) fails fast with
     * {@link TooLongFrameException} as soon as the 4 bytes are in.
     */
    static LengthFieldBasedFrameDecoder newDecoder() {
        // maxFrameLength counts the length field too, so the payload limit is exactly FRAME_BYTES_MAX.
        return new LengthFieldBasedFrameDecoder(ByteOrder.BIG_ENDIAN, WIRE_BYTES_MAX, 0, LENGTH_BYTES, 0,
                LENGTH_BYTES, true);
    }

    /** Wire bytes of an envelope of this serialized size, or -1 if it is over the frame limit. */
    static int wireBytes(int envelopeBytes) {
        return envelopeBytes > WireLimits.FRAME_BYTES_MAX ? -1 : envelopeBytes + LENGTH_BYTES;
    }

    /**
     * The length-prefixed bytes of an envelope, serialized once straight into the result. The envelope must be
     * within the frame limit (check with {@link #wireBytes} first).
     */
    static byte[] encode(Envelope envelope) {
        int size = envelope.getSerializedSize();
        if (wireBytes(size) < 0) {
            throw new IllegalArgumentException("envelope of " + size + " bytes is over the frame limit of "
                    + WireLimits.FRAME_BYTES_MAX);
        }
        byte[] out = new byte[LENGTH_BYTES + size];
        out[0] = (byte) (size >>> 24);
        out[1] = (byte) (size >>> 16);
        out[2] = (byte) (size >>> 8);
        out[3] = (byte) size;
        CodedOutputStream coded = CodedOutputStream.newInstance(out, LENGTH_BYTES, size);
        try {
            envelope.writeTo(coded);
        } catch (IOException e) {
            throw new UncheckedIOException("serializing into an array of the exact size cannot fail", e);
        }
        coded.checkNoSpaceLeft();
        return out;
    }

    /** The reject reason for a framing failure, or null when the failure is not about the bytes received. */
    static RejectReason reasonFor(Throwable failure) {
        if (failure instanceof TooLongFrameException) {
            return RejectReason.OVERSIZE;
        }
        if (failure instanceof DecoderException) { // e.g. CorruptedFrameException
            return RejectReason.MALFORMED_ENVELOPE;
        }
        return null;
    }
}
