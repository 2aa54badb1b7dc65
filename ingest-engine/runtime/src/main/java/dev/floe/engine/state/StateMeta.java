package dev.floe.engine.state;

import java.nio.ByteBuffer;

/**
 * What the RocksDB backend records about each state, beside its data, so that a restored snapshot
 * can be checked against what the operator declares and expired entries can be dropped.
 *
 * @param kind how it stores its values
 * @param serializerVersion the version of the value serializer (and the map key's, for maps)
 * @param ttlMillis its time to live, or 0 for ever
 */
record StateMeta(Kind kind, int serializerVersion, long ttlMillis) {
    /** How a state stores its values; ids are stored, never reuse one. */
    enum Kind {
        VALUE(0),
        MAP(1),
        LIST(2);

        final int id;

        Kind(int id) {
            this.id = id;
        }

        static Kind of(int id) {
            for (Kind kind : values()) {
                if (kind.id == id) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown state kind " + id);
        }

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    byte[] encode() {
        return ByteBuffer.allocate(13)
                .put((byte) kind.id)
                .putInt(serializerVersion)
                .putLong(ttlMillis)
                .array();
    }

    static StateMeta decode(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new StateMeta(Kind.of(buffer.get()), buffer.getInt(), buffer.getLong());
    }
}
