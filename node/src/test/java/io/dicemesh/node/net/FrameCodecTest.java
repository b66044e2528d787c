package io.dicemesh.node.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.RejectReason;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.WireLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The framing, on an EmbeddedChannel: no sockets. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FrameCodecTest {
    private final Identity alice = Nets.identity();
    private final EmbeddedChannel channel = new EmbeddedChannel(handshaken());

    /** A framer past the handshake: frames of the full size. */
    private static FrameCodec.Decoder handshaken() {
        FrameCodec.Decoder d = FrameCodec.newDecoder();
        d.handshakeDone();
        return d;
    }

    /** Before the handshake a frame holds a few KiB at most: a longer length fails as soon as its prefix is in. */
    @Test
    void beforeTheHandshakeAFrameHoldsAFewKibAtMost() {
        EmbeddedChannel fresh = new EmbeddedChannel(FrameCodec.newDecoder());
        fresh.writeInbound(Unpooled.wrappedBuffer(lengthPrefix(WireLimits.HANDSHAKE_FRAME_BYTES_MAX)));
        fresh.writeInbound(Unpooled.wrappedBuffer(new byte[WireLimits.HANDSHAKE_FRAME_BYTES_MAX]));
        ByteBuf ok = fresh.readInbound();
        assertEquals(WireLimits.HANDSHAKE_FRAME_BYTES_MAX, ok.readableBytes());
        ok.release();
        assertThrows(TooLongFrameException.class, () -> fresh.writeInbound(Unpooled.wrappedBuffer(
                lengthPrefix(WireLimits.HANDSHAKE_FRAME_BYTES_MAX + 1))));
        fresh.finishAndReleaseAll();
    }

    @AfterEach
    void closeChannel() {
        channel.finishAndReleaseAll();
    }

    private byte[] nextFrame() {
        ByteBuf frame = channel.readInbound();
        if (frame == null) {
            return null;
        }
        try {
            byte[] bytes = new byte[frame.readableBytes()];
            frame.readBytes(bytes);
            return bytes;
        } finally {
            frame.release();
        }
    }

    private static byte[] lengthPrefix(int length) {
        return new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
    }

    @Test
    void encodePrefixesTheBigEndianLengthOfTheSerializedEnvelope() throws IOException {
        Envelope e = Nets.app(alice, "hello");
        byte[] wire = FrameCodec.encode(e);
        byte[] body = e.toByteArray();
        assertEquals(body.length + 4, wire.length);
        assertArrayEquals(lengthPrefix(body.length), Arrays.copyOf(wire, 4));
        assertEquals(e, Envelope.parseFrom(Arrays.copyOfRange(wire, 4, wire.length)));
    }

    @Test
    void aFrameSplitAcrossReadsComesOutWholeOnce() {
        Envelope e = Nets.app(alice, "split");
        byte[] wire = FrameCodec.encode(e);
        for (int i = 0; i < wire.length - 1; i++) {
            assertFalse(channel.writeInbound(Unpooled.wrappedBuffer(wire, i, 1)), "no frame before the last byte");
        }
        channel.writeInbound(Unpooled.wrappedBuffer(wire, wire.length - 1, 1));
        assertArrayEquals(e.toByteArray(), nextFrame());
        assertNull(nextFrame());
    }

    @Test
    void manyFramesInOneReadComeOutInOrder() {
        Envelope a = Nets.app(alice, "a");
        Envelope b = Nets.app(alice, "bb");
        Envelope c = Nets.app(alice, "ccc");
        channel.writeInbound(Unpooled.wrappedBuffer(FrameCodec.encode(a), FrameCodec.encode(b),
                FrameCodec.encode(c)));
        assertArrayEquals(a.toByteArray(), nextFrame());
        assertArrayEquals(b.toByteArray(), nextFrame());
        assertArrayEquals(c.toByteArray(), nextFrame());
        assertNull(nextFrame());
    }

    @Test
    void aFrameOfExactlyTheLimitPasses() {
        channel.writeInbound(Unpooled.wrappedBuffer(lengthPrefix(WireLimits.FRAME_BYTES_MAX)));
        assertNull(nextFrame());
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[WireLimits.FRAME_BYTES_MAX]));
        assertEquals(WireLimits.FRAME_BYTES_MAX, nextFrame().length);
    }

    @Test
    void anOversizeLengthFailsAtOnceBeforeAnyPayloadArrives() {
        TooLongFrameException e = assertThrows(TooLongFrameException.class,
                () -> channel.writeInbound(Unpooled.wrappedBuffer(lengthPrefix(WireLimits.FRAME_BYTES_MAX + 1))));
        assertEquals(RejectReason.OVERSIZE, FrameCodec.reasonFor(e));
    }

    @Test
    void anHttpRequestIsAnOversizeLength() {
        assertThrows(TooLongFrameException.class,
                () -> channel.writeInbound(Unpooled.wrappedBuffer("GET / HTTP/1.1\r\n".getBytes())));
    }

    @Test
    void aLengthWithTheTopBitSetIsReadUnsignedAndOversize() {
        assertThrows(TooLongFrameException.class,
                () -> channel.writeInbound(Unpooled.wrappedBuffer(lengthPrefix(-5))));
    }

    @Test
    void otherDecoderFailuresAreMalformedEnvelopes() {
        assertEquals(RejectReason.MALFORMED_ENVELOPE, FrameCodec.reasonFor(new CorruptedFrameException("x")));
    }

    @Test
    void otherFailuresAreNotAboutTheBytes() {
        assertNull(FrameCodec.reasonFor(new IOException("reset")));
    }

    @Test
    void wireBytesCountsThePrefixAndRefusesOversizeEnvelopes() {
        assertEquals(14, FrameCodec.wireBytes(10));
        assertEquals(WireLimits.FRAME_BYTES_MAX + 4, FrameCodec.wireBytes(WireLimits.FRAME_BYTES_MAX));
        assertEquals(-1, FrameCodec.wireBytes(WireLimits.FRAME_BYTES_MAX + 1));
        Envelope tooBig = Nets.big(alice, WireLimits.FRAME_BYTES_MAX);
        assertThrows(IllegalArgumentException.class, () -> FrameCodec.encode(tooBig));
    }
}
