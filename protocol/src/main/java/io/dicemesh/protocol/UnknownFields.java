package io.dicemesh.protocol;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds fields this build does not know anywhere inside a message, nested messages and embedded envelopes
 * included. Every dicemesh message is rejected if it carries one: unknown fields would let a relay change an
 * envelope's bytes without touching its signature (and frame its signer), and would let a peer pad any message
 * with bytes nobody reads. {@code bytes} fields that hold serialized messages (a tx, a genesis) are checked by
 * their readers when they parse them.
 */
public final class UnknownFields {
    /** The message-typed fields of each message type, found once per type. */
    private static final Map<Descriptor, List<FieldDescriptor>> MESSAGE_FIELDS = new ConcurrentHashMap<>();

    private UnknownFields() {
    }

    /** True when the message or any message inside it carries a field unknown to this build. */
    public static boolean anyIn(Message message) {
        if (!message.getUnknownFields().asMap().isEmpty()) {
            return true;
        }
        for (FieldDescriptor f : messageFields(message.getDescriptorForType())) {
            if (f.isRepeated()) {
                int n = message.getRepeatedFieldCount(f);
                for (int i = 0; i < n; i++) {
                    if (anyIn((Message) message.getRepeatedField(f, i))) {
                        return true;
                    }
                }
            } else if (message.hasField(f) && anyIn((Message) message.getField(f))) {
                return true;
            }
        }
        return false;
    }

    private static List<FieldDescriptor> messageFields(Descriptor type) {
        return MESSAGE_FIELDS.computeIfAbsent(type, t -> {
            List<FieldDescriptor> out = new ArrayList<>();
            for (FieldDescriptor f : t.getFields()) {
                if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                    out.add(f);
                }
            }
            return List.copyOf(out);
        });
    }
}
