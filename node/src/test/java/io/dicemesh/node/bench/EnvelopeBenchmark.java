package io.dicemesh.node.bench;

import io.dicemesh.crypto.EnvelopeVerifier;
import io.dicemesh.crypto.Identity;
import io.dicemesh.crypto.Signatures;
import io.dicemesh.crypto.VerifyResult;
import io.dicemesh.protocol.Body;
import io.dicemesh.protocol.Envelope;
import io.dicemesh.protocol.Vote;
import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one signed message costs: sealing a Vote (Ed25519 over the domain-separated body) and verifying it as the
 * transport does for every frame (sender key, signature, then the body parsed and its kind checked). A slot costs
 * every node one verify per message it receives, so these bound a node's slots per second.
 *
 * <p>Run as the README's "Benchmarks" says, with {@code EnvelopeBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EnvelopeBenchmark {
    private Identity identity;
    private Body vote;
    private Envelope sealed;
    private EnvelopeVerifier verifier;

    @Setup(Level.Trial)
    public void setUp() {
        identity = Identity.generate(new SecureRandom());
        vote = Body.newBuilder().setVote(Vote.newBuilder().setTableId(ByteString.copyFrom(new byte[32])).setSeq(42)
                .setView(0).setTxHash(ByteString.copyFrom(new byte[32]))).build();
        sealed = Signatures.seal(identity, vote);
        verifier = new EnvelopeVerifier();
        if (!(verifier.verify(sealed) instanceof io.dicemesh.crypto.Verified)) {
            throw new IllegalStateException("a sealed vote does not verify");
        }
    }

    @Benchmark
    public Envelope sealVote() {
        return Signatures.seal(identity, vote);
    }

    @Benchmark
    public VerifyResult verifyVote() {
        return verifier.verify(sealed);
    }
}
