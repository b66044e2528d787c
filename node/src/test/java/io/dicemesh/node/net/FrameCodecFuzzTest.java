package io.dicemesh.node.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.crypto.Verified;
import io.dicemesh.crypto.VerifyResult;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.GenesisQuery;
import io.dicemesh.protocol.Ping;
import io.dicemesh.protocol.Vote;
import io.dicemesh.protocol.WireLimits;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the framing as a connection meets it: any bytes, in any chunk sizes, through {@link FrameCodec#newDecoder()}
 * on an EmbeddedChannel, every frame that comes out handed to {@link EnvelopeVerifier#open} as {@link PeerChannel}
 * does. The fuzzer writes chunks of any bytes, chunks of the frame under way, length prefixes near the limit, filler
 * that completes a frame to the byte, and real signed frames split anywhere. What must hold:
 *
 * <ul>
 *   <li>nothing throws except the decoder's own framing failure ({@link TooLongFrameException}, which
 *       {@link FrameCodec#reasonFor} maps to a reject reason; the channel is then closed, as PeerChannel closes it);
 *   <li>the frames and the failure are exactly what the length prefixes in the stream call for: a frame of at most
 *       {@link WireLimits#FRAME_BYTES_MAX} bytes per prefix, and a failure as soon as a prefix over the limit is in;
 *   <li>the verifier answers every frame with a result, never an exception;
 *   <li>once the channel is closed, every buffer it was given or allocated is released.
 * </ul>
 *
 * <p>The committed inputs (in {@code FrameCodecFuzzTestInputs/}) are streams written by hand ({@code frames-*}: real
 * frames split anywhere, a frame at the limit and one over it, a prefix in pieces) and inputs fuzzing found.
 */
class FrameCodecFuzzTest {
    /** Writes per execution. */
    private static final int WRITES_MAX = 64;
    /** Bytes of filler per execution: enough for two frames at the limit. */
    private static final int FILLER_BYTES_MAX = 2 * WireLimits.FRAME_BYTES_MAX + 64;
    /**
     * Frames of real signed envelopes. Made when the class initializes, in the first (unfuzzed) invocation, so that
     * loading the protobuf and crypto classes does not count as a slow input.
     */
    private static final List<byte[]> REAL_FRAMES = realFrames();

    @FuzzTest
    @Timeout(30)
    void anyByteStreamGivesBoundedFramesOrAFramingFailure(FuzzedDataProvider data) {
        TrackingAllocator alloc = new TrackingAllocator();
        Sink sink = new Sink();
        FrameCodec.Decoder decoder = FrameCodec.newDecoder();
        decoder.handshakeDone(); // the full frame size (the handshake's limit: FrameCodecTest)
        EmbeddedChannel channel = new EmbeddedChannel(decoder, sink);
        channel.config().setAllocator(alloc);
        ReferenceFramer expected = new ReferenceFramer();
        int filler = 0;
        for (int w = 0; w < WRITES_MAX && data.remainingBytes() > 0 && !expected.tooLong && channel.isOpen(); w++) {
            byte[] chunk;
            int op = data.consumeInt(0, 15);
            if (op < 5) { // bytes of the frame under way, no more than it lacks
                chunk = data.consumeBytes(Math.min(data.consumeInt(1, 64), Math.max(1, expected.missing())));
            } else if (op < 8) { // any bytes, which may also make a length prefix
                chunk = data.consumeBytes(data.consumeInt(1, 64));
            } else if (op < 11) {
                chunk = lengthPrefix(prefixLength(data));
            } else if (op < 14) {
                byte[] frame = REAL_FRAMES.get(data.consumeInt(0, REAL_FRAMES.size() - 1));
                int split = data.consumeInt(0, frame.length);
                write(channel, alloc, expected, Arrays.copyOf(frame, split));
                chunk = Arrays.copyOfRange(frame, split, frame.length);
            } else { // one byte value up to the end of the frame under way, give or take one
                int n = Math.max(0, Math.min(expected.missing() + data.consumeInt(-1, 1), FILLER_BYTES_MAX - filler));
                filler += n;
                chunk = new byte[n];
                Arrays.fill(chunk, data.consumeByte());
            }
            write(channel, alloc, expected, chunk);
        }
        channel.finishAndReleaseAll();

        assertNull(sink.unexpected, () -> "unexpected failure: " + sink.unexpected);
        assertEquals(expected.tooLong, sink.framingFailure != null, () -> "framing failure " + sink.framingFailure
                + ", but a prefix over the limit " + (expected.tooLong ? "came" : "never came"));
        assertEquals(expected.frames.size(), sink.frames.size(), "frames out");
        for (int i = 0; i < expected.frames.size(); i++) {
            assertArrayEquals(expected.frames.get(i), sink.frames.get(i), "frame " + i);
        }
        for (ByteBuf b : alloc.made) {
            assertEquals(0, b.refCnt(), "a buffer of " + b.capacity() + " bytes was not released");
        }
    }

    private static void write(EmbeddedChannel channel, TrackingAllocator alloc, ReferenceFramer expected,
            byte[] bytes) {
        if (bytes.length == 0 || expected.tooLong || !channel.isOpen()) {
            return;
        }
        expected.add(bytes);
        channel.writeInbound(alloc.heapBuffer(bytes.length).writeBytes(bytes));
    }

    /** A length near one that matters: tiny, at the limit, or any 32-bit value. */
    private static int prefixLength(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 2)) {
            case 0 -> data.consumeInt(0, 255);
            case 1 -> WireLimits.FRAME_BYTES_MAX + data.consumeInt(-2, 2);
            default -> data.consumeInt();
        };
    }

    private static byte[] lengthPrefix(int length) {
        return new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
    }

    /** What PeerChannel does with what the decoder passes on, recording instead of closing on a verdict. */
    private static final class Sink extends ChannelInboundHandlerAdapter {
        private final EnvelopeVerifier verifier = new EnvelopeVerifier();
        final List<byte[]> frames = new ArrayList<>();
        Throwable framingFailure;
        Throwable unexpected;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            byte[] bytes;
            try {
                assertTrue(frame.readableBytes() <= WireLimits.FRAME_BYTES_MAX, "a frame of " + frame.readableBytes()
                        + " bytes");
                if (framingFailure != null) {
                    return; // the connection is being closed: nothing after the failure is read
                }
                bytes = ByteBufUtil.getBytes(frame);
            } finally {
                frame.release();
            }
            frames.add(bytes);
            VerifyResult r;
            try {
                r = verifier.open(bytes);
            } catch (RuntimeException | Error e) {
                unexpected = e;
                return;
            }
            assertNotNull(r, "open answered null");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable failure) {
            if (failure instanceof TooLongFrameException && FrameCodec.reasonFor(failure) != null
                    && framingFailure == null) {
                framingFailure = failure;
                ctx.close();
            } else if (unexpected == null) {
                unexpected = failure;
            }
        }
    }

    /** FrameCodec's contract to the letter: the frames a stream holds, and whether a prefix over the limit came. */
    private static final class ReferenceFramer {
        final List<byte[]> frames = new ArrayList<>();
        boolean tooLong;
        private byte[] buf = new byte[256];
        private int start;
        private int end;

        void add(byte[] bytes) {
            if (end + bytes.length > buf.length) {
                byte[] grown = new byte[Math.max(buf.length * 2, end - start + bytes.length)];
                System.arraycopy(buf, start, grown, 0, end - start);
                end -= start;
                start = 0;
                buf = grown;
            }
            System.arraycopy(bytes, 0, buf, end, bytes.length);
            end += bytes.length;
            while (!tooLong && end - start >= FrameCodec.LENGTH_BYTES) {
                long length = prefixAt(start);
                if (length > WireLimits.FRAME_BYTES_MAX) {
                    tooLong = true;
                } else if (end - start - FrameCodec.LENGTH_BYTES >= length) {
                    int from = start + FrameCodec.LENGTH_BYTES;
                    frames.add(Arrays.copyOfRange(buf, from, from + (int) length));
                    start = from + (int) length;
                } else {
                    return;
                }
            }
        }

        /** Bytes the frame under way still lacks (its prefix first); 0 after a prefix over the limit. */
        int missing() {
            int held = end - start;
            if (held < FrameCodec.LENGTH_BYTES) {
                return FrameCodec.LENGTH_BYTES - held;
            }
            long length = prefixAt(start);
            return length > WireLimits.FRAME_BYTES_MAX ? 0 : (int) (length - (held - FrameCodec.LENGTH_BYTES));
        }

        private long prefixAt(int i) {
            return ((buf[i] & 0xffL) << 24) | ((buf[i + 1] & 0xffL) << 16) | ((buf[i + 2] & 0xffL) << 8)
                    | (buf[i + 3] & 0xffL);
        }
    }

    /** Unpooled heap buffers, each one remembered so that the test can check it was released. */
    private static final class TrackingAllocator extends AbstractByteBufAllocator {
        final List<ByteBuf> made = new ArrayList<>();

        TrackingAllocator() {
            super(false);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf b = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
            made.add(b);
            return b;
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return newHeapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    private static List<byte[]> realFrames() {
        Identity id = Identity.fromSeed(Sha256.hash("dicemesh-fuzz/frames".getBytes(StandardCharsets.UTF_8)));
        ByteString table = ByteString.copyFrom(Sha256.hash(new byte[] {1}));
        List<byte[]> frames = List.of(
                FrameCodec.encode(Signatures.seal(id, Body.newBuilder().setPing(Ping.newBuilder().setNonce(7)
                        .setSentAtMs(1)).build())),
                FrameCodec.encode(Signatures.seal(id, Body.newBuilder().setVote(Vote.newBuilder().setTableId(table)
                        .setSeq(3).setView(1).setTxHash(table)).build())),
                FrameCodec.encode(Signatures.seal(id, Body.newBuilder().setGenesisQuery(GenesisQuery.newBuilder()
                        .setTableId(table)).build())));
        EnvelopeVerifier verifier = new EnvelopeVerifier();
        for (byte[] f : frames) {
            if (!(verifier.open(Arrays.copyOfRange(f, FrameCodec.LENGTH_BYTES, f.length)) instanceof Verified)) {
                fail("a real frame does not verify");
            }
        }
        return frames;
    }
}
