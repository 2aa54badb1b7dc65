package dev.floe.engine.state;

import dev.floe.engine.dataflow.KeyGroupRange;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The stored form of a heap backend's snapshot, laid out by key group so that a subtask restoring
 * with another parallelism reads only the key groups it now owns. Version 1:
 *
 * <pre>
 * int 'FKGS', int version, int first key group, int end key group,
 * int states, then per state: utf name, byte kind (0 value, 1 map), int serializer version,
 * long offset of each key group's section plus one past the last, relative to the sections' start,
 * then per key group: int entries, (short state, bytes key, bytes map key or -1, bytes value,
 *   long written at)*, int timers, (byte 0 event / 1 processing, long time, bytes key)*
 * </pre>
 */
final class HeapSnapshotFormat {
    private static final int MAGIC = 0x464b4753; // "FKGS"
    static final int VERSION = 1;

    private HeapSnapshotFormat() {}

    /** Writes the tables' key groups in {@code range}, without entries expired at {@code now}. */
    static byte[] write(HeapTables tables, KeyGroupRange range, long now) {
        List<String> names = new ArrayList<>(tables.tables.keySet());
        int groups = range.end() - range.start();
        List<List<Object[]>> entriesByGroup = new ArrayList<>(groups);
        List<List<HeapTables.Timer>> eventByGroup = new ArrayList<>(groups);
        List<List<HeapTables.Timer>> processingByGroup = new ArrayList<>(groups);
        for (int i = 0; i < groups; i++) {
            entriesByGroup.add(new ArrayList<>());
            eventByGroup.add(new ArrayList<>());
            processingByGroup.add(new ArrayList<>());
        }
        for (int state = 0; state < names.size(); state++) {
            HeapTables.Table table = tables.tables.get(names.get(state));
            for (Map.Entry<StateKey, HeapTables.Entry> entry : table.entries.entrySet()) {
                int group = entry.getKey().keyGroup;
                if (range.contains(group) && !table.expired(entry.getValue(), now)) {
                    entriesByGroup.get(group - range.start()).add(new Object[] {state, entry.getKey(), entry.getValue()
                    });
                }
            }
        }
        tables.eventTimers.forEach(
                timer -> eventByGroup.get(timer.keyGroup() - range.start()).add(timer));
        tables.processingTimers.forEach(
                timer -> processingByGroup.get(timer.keyGroup() - range.start()).add(timer));

        ByteArrayOutputStream sections = new ByteArrayOutputStream();
        long[] offsets = new long[groups + 1];
        try (DataOutputStream out = new DataOutputStream(sections)) {
            for (int i = 0; i < groups; i++) {
                offsets[i] = out.size();
                out.writeInt(entriesByGroup.get(i).size());
                for (Object[] item : entriesByGroup.get(i)) {
                    StateKey key = (StateKey) item[1];
                    HeapTables.Entry entry = (HeapTables.Entry) item[2];
                    out.writeShort((Integer) item[0]);
                    writeBytes(out, key.key);
                    writeBytes(out, key.userKey);
                    writeBytes(out, entry.value());
                    out.writeLong(entry.writtenAt());
                }
                out.writeInt(
                        eventByGroup.get(i).size() + processingByGroup.get(i).size());
                for (HeapTables.Timer timer : eventByGroup.get(i)) {
                    writeTimer(out, 0, timer);
                }
                for (HeapTables.Timer timer : processingByGroup.get(i)) {
                    writeTimer(out, 1, timer);
                }
            }
            offsets[groups] = out.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(whole)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(range.start());
            out.writeInt(range.end());
            out.writeInt(names.size());
            for (String name : names) {
                HeapTables.Table table = tables.tables.get(name);
                out.writeUTF(name);
                out.writeByte(table.kind.ordinal());
                out.writeInt(table.serializerVersion);
            }
            for (long offset : offsets) {
                out.writeLong(offset);
            }
            sections.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return whole.toByteArray();
    }

    /**
     * Adds the key groups of {@code bytes} that fall into {@code range} to {@code tables}.
     *
     * @throws IllegalArgumentException when the bytes are not a snapshot of a known version
     */
    static void read(byte[] bytes, KeyGroupRange range, HeapTables tables) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a heap state snapshot (bad magic number)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalArgumentException(
                        "heap state snapshot version " + version + " is not one this Floe reads (" + VERSION + ")");
            }
            KeyGroupRange stored = new KeyGroupRange(in.readInt(), in.readInt());
            int stateCount = in.readInt();
            String[] names = new String[stateCount];
            for (int i = 0; i < stateCount; i++) {
                names[i] = in.readUTF();
                HeapTables.Kind kind = HeapTables.Kind.values()[in.readByte()];
                int serializerVersion = in.readInt();
                tables.tables.computeIfAbsent(names[i], name -> new HeapTables.Table(kind, serializerVersion));
            }
            int groups = stored.end() - stored.start();
            long[] offsets = new long[groups + 1];
            for (int i = 0; i <= groups; i++) {
                offsets[i] = in.readLong();
            }
            int headerSize = bytes.length - (int) offsets[groups];
            for (int group = Math.max(stored.start(), range.start());
                    group < Math.min(stored.end(), range.end());
                    group++) {
                int index = group - stored.start();
                DataInputStream section = new DataInputStream(new ByteArrayInputStream(
                        bytes, headerSize + (int) offsets[index], (int) (offsets[index + 1] - offsets[index])));
                int entries = section.readInt();
                for (int i = 0; i < entries; i++) {
                    String name = names[section.readShort()];
                    byte[] key = readBytes(section);
                    byte[] userKey = readBytes(section);
                    byte[] value = readBytes(section);
                    long writtenAt = section.readLong();
                    tables.tables
                            .get(name)
                            .entries
                            .put(new StateKey(group, key, userKey), new HeapTables.Entry(value, writtenAt));
                }
                int timers = section.readInt();
                for (int i = 0; i < timers; i++) {
                    byte domain = section.readByte();
                    long time = section.readLong();
                    HeapTables.Timer timer = new HeapTables.Timer(time, group, readBytes(section));
                    (domain == 0 ? tables.eventTimers : tables.processingTimers).add(timer);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated heap state snapshot: " + e, e);
        } catch (IndexOutOfBoundsException | NegativeArraySizeException | NullPointerException e) {
            // damaged counts, lengths or state indexes
            throw new IllegalArgumentException("damaged heap state snapshot: " + e, e);
        }
    }

    private static void writeTimer(DataOutputStream out, int domain, HeapTables.Timer timer) throws IOException {
        out.writeByte(domain);
        out.writeLong(timer.time());
        writeBytes(out, timer.key());
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        if (bytes == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        if (length > in.available()) {
            // a damaged length: fail on it instead of allocating it
            throw new java.io.EOFException("a length of " + length + " bytes, " + in.available() + " left");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }
}
