package dev.floe.engine.deadletter;

import dev.floe.engine.spi.deadletter.Bytes;
import dev.floe.engine.spi.deadletter.DeadLetter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored form of dead letters waiting for delivery, kept with the checkpoint that holds them.
 * Versioned: version 1 is below; readers of a newer version refuse it by name.
 *
 * <pre>
 * int magic 'FDLQ', int version, int count, then per letter:
 *   utf topic, int partition, long offset, long timestamp,
 *   bytes key, bytes value (length -1 for null), int header count, (utf key, bytes value)*,
 *   utf stage, utf errorCode, utf reason (as a length-prefixed UTF-8 blob), long failedAt epoch millis
 * </pre>
 */
public final class DeadLetterCodec {
    private static final int MAGIC = 0x46444c51; // "FDLQ"
    public static final int VERSION = 1;

    private DeadLetterCodec() {}

    public static byte[] encode(List<DeadLetter> letters) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(letters.size());
            for (DeadLetter letter : letters) {
                out.writeUTF(letter.topic());
                out.writeInt(letter.partition());
                out.writeLong(letter.offset());
                out.writeLong(letter.timestamp());
                writeBytes(out, letter.key());
                writeBytes(out, letter.value());
                out.writeInt(letter.headers().size());
                for (DeadLetter.Header header : letter.headers()) {
                    writeText(out, header.key());
                    writeBytes(out, header.value());
                }
                writeText(out, letter.stage());
                writeText(out, letter.errorCode());
                writeText(out, letter.reason());
                out.writeLong(letter.failedAt().toEpochMilli());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads what {@link #encode} wrote.
     *
     * @throws IllegalArgumentException naming the problem when the bytes are not dead letters of a
     *     known version
     */
    public static List<DeadLetter> decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a dead-letter file (bad magic number)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalArgumentException(
                        "dead-letter file version " + version + " is newer than this Floe reads (" + VERSION + ")");
            }
            int count = in.readInt();
            List<DeadLetter> letters = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String topic = in.readUTF();
                int partition = in.readInt();
                long offset = in.readLong();
                long timestamp = in.readLong();
                Bytes key = readBytes(in);
                Bytes value = readBytes(in);
                int headerCount = in.readInt();
                List<DeadLetter.Header> headers = new ArrayList<>(headerCount);
                for (int h = 0; h < headerCount; h++) {
                    headers.add(new DeadLetter.Header(readText(in), readBytes(in)));
                }
                letters.add(new DeadLetter(
                        topic,
                        partition,
                        offset,
                        timestamp,
                        key,
                        value,
                        headers,
                        readText(in),
                        readText(in),
                        readText(in),
                        Instant.ofEpochMilli(in.readLong())));
            }
            return letters;
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated dead-letter file: " + e, e);
        }
    }

    private static void writeBytes(DataOutputStream out, Bytes bytes) throws IOException {
        if (bytes == null) {
            out.writeInt(-1);
        } else {
            byte[] array = bytes.toArray();
            out.writeInt(array.length);
            out.write(array);
        }
    }

    private static Bytes readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] array = new byte[length];
        in.readFully(array);
        return Bytes.copyOf(array);
    }

    // writeUTF is limited to 64 KB; reasons and header keys have no such limit
    private static void writeText(DataOutputStream out, String text) throws IOException {
        writeBytes(out, Bytes.copyOf(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static String readText(DataInputStream in) throws IOException {
        Bytes bytes = readBytes(in);
        return bytes == null ? "" : new String(bytes.toArray(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
