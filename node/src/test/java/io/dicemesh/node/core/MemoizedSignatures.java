package io.dicemesh.node.core;

import com.code_intelligence.jazzer.api.HookType;
import com.code_intelligence.jazzer.api.MethodHook;
import com.google.protobuf.ByteString;
import io.dicemesh.crypto.Sha256;
import io.dicemesh.crypto.SignatureScheme;
import java.lang.invoke.MethodHandle;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Jazzer hooks (loaded only by the fuzzing run of {@link EngineFuzzTest}, through {@code jazzer.custom_hooks}) that
 * remember Ed25519 results: every execution builds the same harness and table, so the same keys sign and check the
 * same messages again, and Ed25519 would otherwise take most of each execution. Signing is deterministic and a
 * check depends only on the key, the message and the signature, so a remembered result is the result. A signature
 * made here is also remembered as one that verifies under its key, as every Ed25519 signature of a valid key does:
 * then checking what the nodes and the fuzzer signed costs a lookup, and only altered or forged envelopes are
 * checked for real. Nothing the engine sees changes (the same inputs replay without these hooks). Bounded: each map
 * forgets its oldest entries.
 */
public final class MemoizedSignatures {
    /** Entries kept per map: about 100 bytes each. */
    static final int ENTRIES_MAX = 200_000;

    private static final Map<ByteString, Object> KEYS = lru();
    private static final Map<ByteString, byte[]> SIGNATURES = lru();
    private static final Map<Check, Boolean> CHECKS = lru();

    private MemoizedSignatures() {
    }

    /** A check of one signature under one decoded key (the same object for the same key: see decodeKey). */
    private record Check(Object key, ByteString message, ByteString signature) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Check c && c.key == key && c.message.equals(message) && c.signature.equals(signature);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(key) * 31 + message.hashCode() * 17 + signature.hashCode();
        }
    }

    @MethodHook(type = HookType.REPLACE, targetClassName = "io.dicemesh.crypto.SignatureScheme",
            targetMethod = "decodeKey")
    public static Object decodeKey(MethodHandle method, Object scheme, Object[] args, int hookId) throws Throwable {
        ByteString key = ByteString.copyFrom((byte[]) args[0]);
        synchronized (KEYS) {
            Object decoded = KEYS.get(key);
            if (decoded == null && !KEYS.containsKey(key)) {
                decoded = method.invokeWithArguments(scheme, args[0]);
                KEYS.put(key, decoded);
            }
            return decoded;
        }
    }

    /**
     * The decoded key, the same object every time: decoded with the scheme when no check decoded it yet (that call
     * may itself come through {@link #decodeKey}, which then remembers it).
     */
    private static Object decoded(SignatureScheme scheme, byte[] publicKey) {
        ByteString key = ByteString.copyFrom(publicKey);
        synchronized (KEYS) {
            Object decoded = KEYS.get(key);
            if (decoded != null) {
                return decoded;
            }
            decoded = scheme.decodeKey(publicKey);
            KEYS.putIfAbsent(key, decoded);
            return KEYS.get(key);
        }
    }

    @MethodHook(type = HookType.REPLACE, targetClassName = "io.dicemesh.crypto.SignatureScheme", targetMethod = "sign")
    public static byte[] sign(MethodHandle method, Object scheme, Object[] args, int hookId) throws Throwable {
        ByteString key = digest((byte[]) args[1], (byte[]) args[2]);
        byte[] sig;
        synchronized (SIGNATURES) {
            sig = SIGNATURES.get(key);
            if (sig == null) {
                sig = (byte[]) method.invokeWithArguments(scheme, args[0], args[1], args[2]);
                SIGNATURES.put(key, sig.clone());
            }
        }
        Object point = decoded((SignatureScheme) scheme, (byte[]) args[1]);
        if (point != null) {
            Check check = new Check(point, digest((byte[]) args[2]), ByteString.copyFrom(sig));
            synchronized (CHECKS) {
                CHECKS.put(check, Boolean.TRUE);
            }
        }
        return sig.clone();
    }

    @MethodHook(type = HookType.REPLACE, targetClassName = "io.dicemesh.crypto.SignatureScheme",
            targetMethod = "verify")
    public static boolean verify(MethodHandle method, Object scheme, Object[] args, int hookId) throws Throwable {
        Check check = new Check(args[0], digest((byte[]) args[1]), ByteString.copyFrom((byte[]) args[2]));
        synchronized (CHECKS) {
            Boolean ok = CHECKS.get(check);
            if (ok == null) {
                ok = (Boolean) method.invokeWithArguments(scheme, args[0], args[1], args[2]);
                CHECKS.put(check, ok);
            }
            return ok;
        }
    }

    private static ByteString digest(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length + 4;
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            all[at++] = (byte) (p.length >>> 24);
            all[at++] = (byte) (p.length >>> 16);
            all[at++] = (byte) (p.length >>> 8);
            all[at++] = (byte) p.length;
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return ByteString.copyFrom(Sha256.hash(all));
    }

    private static <K, V> Map<K, V> lru() {
        return new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > ENTRIES_MAX;
            }
        };
    }
}
