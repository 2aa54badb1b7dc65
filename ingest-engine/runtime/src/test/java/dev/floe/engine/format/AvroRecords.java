package dev.floe.engine.format;

import dev.floe.engine.spi.row.RowType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Resolver;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.iceberg.types.Types;

/** Avro records encoded by Avro's own writer, and decoders compiled the way the pipeline does. */
final class AvroRecords {
    private AvroRecords() {}

    static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }

    static byte[] encode(Schema schema, Object datum) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        try {
            new GenericDatumWriter<>(schema, GenericData.get()).write(datum, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The decoder for records of {@code writer} into a table created from that same schema. */
    static RowDecoder decoderFor(Schema writer) {
        return decoderFor(writer, AvroToIceberg.convert(writer).asStruct());
    }

    /** The decoder for records of {@code writer} into rows of {@code table}. */
    static RowDecoder decoderFor(Schema writer, Types.StructType table) {
        RowType type = RowType.of(new org.apache.iceberg.Schema(table.fields()));
        Schema reader = ReaderSchemas.readerSchema(type.struct(), writer);
        return DecoderCompiler.compile(Resolver.resolve(writer, reader), type);
    }
}
