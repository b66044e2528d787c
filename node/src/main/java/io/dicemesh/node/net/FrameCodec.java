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
    static Decoder newDecoder() {
        return new Decoder();
    }

    /**
     * The framer of one channel: until {@link #handshakeDone} a frame may hold at most
     * {@link WireLimits#HANDSHAKE_FRAME_BYTES_MAX} bytes, so a stranger cannot make the node read and verify a
     * megabyte before it has proven who it is; after it, {@link WireLimits#FRAME_BYTES_MAX}.
     */
    static final class Decoder extends LengthFieldBasedFrameDecoder {
        private volatile boolean handshakeDone;

        Decoder() {
            // maxFrameLength counts the length field too, so the payload limit is exactly FRAME_BYTES_MAX.
            super(ByteOrder.BIG_ENDIAN, WIRE_BYTES_MAX, 0, LENGTH_BYTES, 0, LENGTH_BYTES, true);
        }

        void handshakeDone() {
            handshakeDone = true;
        }

        @Override
        protected Object decode(io.netty.channel.ChannelHandlerContext ctx, io.netty.buffer.ByteBuf in)
                throws Exception {
            if (!handshakeDone && in.readableBytes() >= LENGTH_BYTES) {
                long length = in.getUnsignedInt(in.readerIndex());
                if (length > WireLimits.HANDSHAKE_FRAME_BYTES_MAX) {
                    in.skipBytes(in.readableBytes());
                    throw new TooLongFrameException("a frame of " + length + " bytes before the handshake is done"
                            + " (at most " + WireLimits.HANDSHAKE_FRAME_BYTES_MAX + ")");
                }
            }
            return super.decode(ctx, in);
        }
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
