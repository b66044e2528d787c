package io.dicemesh.simulator.attack;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.dicemesh.protocol.Body;
import java.util.List;
import java.util.Random;

/**
 * Validly shaped nonsense: table messages whose every field is random, except the table id (so they reach the
 * table's code) and the player field (so they pass the sender check), built by reflection over the schema so that
 * every field of every kind gets random values.
 */
final class Garbage {
    /** The kinds a seated player sends a table. */
    static final List<Body.KindCase> TABLE_KINDS = List.of(Body.KindCase.INTENT_BATCH, Body.KindCase.DICE_COMMITMENT,
            Body.KindCase.DICE_REVEAL, Body.KindCase.PREPARE, Body.KindCase.VOTE, Body.KindCase.NACK,
            Body.KindCase.STATUS, Body.KindCase.CERTIFICATE_QUERY, Body.KindCase.CERTIFICATE_REPLY);

    private Garbage() {
    }

    static Body tableMessage(Random r, ByteString tableId, ByteString player) {
        Body.KindCase kind = TABLE_KINDS.get(r.nextInt(TABLE_KINDS.size()));
        FieldDescriptor field = Body.getDescriptor().findFieldByNumber(kind.getNumber());
        Message.Builder b = Body.newBuilder().newBuilderForField(field);
        fill(b, r, tableId, player, 0);
        return Body.newBuilder().setField(field, b.build()).build();
    }

    private static void fill(Message.Builder b, Random r, ByteString tableId, ByteString player, int depth) {
        for (FieldDescriptor f : b.getDescriptorForType().getFields()) {
            if (f.getName().equals("table_id")) {
                b.setField(f, tableId);
                continue;
            }
            if (f.getName().equals("player") && f.getType() == FieldDescriptor.Type.BYTES) {
                b.setField(f, player);
                continue;
            }
            if (f.getRealContainingOneof() != null && r.nextBoolean()) {
                continue;
            }
            int n = f.isRepeated() ? r.nextInt(3) : 1;
            for (int i = 0; i < n; i++) {
                Object v = value(b, f, r, tableId, player, depth);
                if (v == null) {
                    break;
                }
                if (f.isRepeated()) {
                    b.addRepeatedField(f, v);
                } else {
                    b.setField(f, v);
                }
            }
        }
    }

    private static Object value(Message.Builder parent, FieldDescriptor f, Random r, ByteString tableId,
            ByteString player, int depth) {
        return switch (f.getJavaType()) {
            case INT -> r.nextInt();
            case LONG -> r.nextInt(4) == 0 ? r.nextLong() : (long) r.nextInt(64);
            case BOOLEAN -> r.nextBoolean();
            case FLOAT -> r.nextFloat();
            case DOUBLE -> r.nextDouble();
            case STRING -> Long.toHexString(r.nextLong());
            case BYTE_STRING -> {
                byte[] bytes = new byte[r.nextBoolean() ? 32 : 64];
                r.nextBytes(bytes);
                yield ByteString.copyFrom(bytes);
            }
            case ENUM -> {
                var values = f.getEnumType().getValues();
                yield values.get(r.nextInt(values.size()));
            }
            case MESSAGE -> {
                if (depth >= 2) {
                    yield null;
                }
                Message.Builder child = parent.newBuilderForField(f);
                fill(child, r, tableId, player, depth + 1);
                yield child.build();
            }
        };
    }
}
