package dev.floe.iceberg.write;

import dev.floe.engine.spi.row.Row;
import dev.floe.engine.spi.row.RowType;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.iceberg.FieldMetrics;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.parquet.TripleWriter;
import org.apache.parquet.column.ColumnWriteStore;

/** The nodes of the row writer tree: fields, structs, lists and maps. */
final class ValueWriters {
    private ValueWriters() {}

    /**
     * Writes one value: a field of a row (read with the row's typed accessors), or a list element or
     * map entry (given in its boxed representation).
     */
    abstract static class FieldWriter {
        /** The field's position in its row; -1 for list elements and map keys and values. */
        final int position;
        /** The definition level written to every column below this value when it is null. */
        final int nullLevel;

        final boolean optional;

        FieldWriter(int position, int nullLevel, boolean optional) {
            this.position = position;
            this.nullLevel = nullLevel;
            this.optional = optional;
        }

        /** Writes field {@link #position} of {@code row}. */
        abstract void write(int repetitionLevel, Row row);

        /** Writes {@code value}, given as {@link Row#get} represents it. */
        abstract void writeObject(int repetitionLevel, Object value);

        /** Writes a null at definition level {@code definitionLevel} into every column below. */
        abstract void writeNull(int repetitionLevel, int definitionLevel);

        abstract void collectColumns(List<TripleWriter<?>> columns);

        abstract void setColumnStore(ColumnWriteStore store);

        Stream<FieldMetrics<?>> metrics() {
            return Stream.empty();
        }

        /** A null where the schema allows one; an error naming the column where it does not. */
        final void writeAbsent(int repetitionLevel, String column) {
            if (!optional) {
                throw new IllegalArgumentException("Cannot write null into required column " + column);
            }
            writeNull(repetitionLevel, nullLevel);
        }
    }

    /** The fields of a struct, written one after the other. */
    static final class StructWriter {
        private final FieldWriter[] fields;

        StructWriter(FieldWriter[] fields) {
            this.fields = fields;
        }

        void writeFields(int repetitionLevel, Row row) {
            for (FieldWriter field : fields) {
                field.write(repetitionLevel, row);
            }
        }

        void writeNull(int repetitionLevel, int definitionLevel) {
            for (FieldWriter field : fields) {
                field.writeNull(repetitionLevel, definitionLevel);
            }
        }

        void collectColumns(List<TripleWriter<?>> columns) {
            for (FieldWriter field : fields) {
                field.collectColumns(columns);
            }
        }

        void setColumnStore(ColumnWriteStore store) {
            for (FieldWriter field : fields) {
                field.setColumnStore(store);
            }
        }

        Stream<FieldMetrics<?>> metrics() {
            return Arrays.stream(fields).flatMap(FieldWriter::metrics);
        }
    }

    /** A struct-typed value. */
    static final class NestedStructWriter extends FieldWriter {
        private final StructWriter struct;
        private final RowType type;

        NestedStructWriter(int position, int nullLevel, boolean optional, StructWriter struct, RowType type) {
            super(position, nullLevel, optional);
            this.struct = struct;
            this.type = type;
        }

        @Override
        void write(int repetitionLevel, Row row) {
            writeObject(repetitionLevel, row.isNull(position) ? null : row.getReference(position));
        }

        @Override
        void writeObject(int repetitionLevel, Object value) {
            if (value == null) {
                writeAbsent(repetitionLevel, type.toString());
            } else {
                struct.writeFields(repetitionLevel, asRow(value));
            }
        }

        private Row asRow(Object value) {
            if (value instanceof Row) {
                return (Row) value;
            }
            // a struct built outside the engine (a transform, say): copy it into this layout
            StructLike struct = (StructLike) value;
            Row row = new Row(type);
            for (int i = 0; i < type.size(); i++) {
                row.set(i, struct.get(i, Object.class));
            }
            return row;
        }

        @Override
        void writeNull(int repetitionLevel, int definitionLevel) {
            struct.writeNull(repetitionLevel, definitionLevel);
        }

        @Override
        void collectColumns(List<TripleWriter<?>> columns) {
            struct.collectColumns(columns);
        }

        @Override
        void setColumnStore(ColumnWriteStore store) {
            struct.setColumnStore(store);
        }

        @Override
        Stream<FieldMetrics<?>> metrics() {
            return struct.metrics();
        }
    }

    /** A list: elements after the first repeat at the list's repetition level. */
    static final class ListWriter extends FieldWriter {
        private final int emptyLevel;
        private final int repeatLevel;
        private final FieldWriter element;

        ListWriter(
                int position, int nullLevel, boolean optional, int emptyLevel, int repeatLevel, FieldWriter element) {
            super(position, nullLevel, optional);
            this.emptyLevel = emptyLevel;
            this.repeatLevel = repeatLevel;
            this.element = element;
        }

        @Override
        void write(int repetitionLevel, Row row) {
            writeObject(repetitionLevel, row.isNull(position) ? null : row.getReference(position));
        }

        @Override
        void writeObject(int repetitionLevel, Object value) {
            if (value == null) {
                writeAbsent(repetitionLevel, "list");
                return;
            }
            List<?> list = (List<?>) value;
            if (list.isEmpty()) {
                element.writeNull(repetitionLevel, emptyLevel);
                return;
            }
            int level = repetitionLevel;
            for (Object item : list) {
                element.writeObject(level, item);
                level = repeatLevel;
            }
        }

        @Override
        void writeNull(int repetitionLevel, int definitionLevel) {
            element.writeNull(repetitionLevel, definitionLevel);
        }

        @Override
        void collectColumns(List<TripleWriter<?>> columns) {
            element.collectColumns(columns);
        }

        @Override
        void setColumnStore(ColumnWriteStore store) {
            element.setColumnStore(store);
        }

        @Override
        Stream<FieldMetrics<?>> metrics() {
            return element.metrics();
        }
    }

    /** A map: one repeated key/value pair per entry. */
    static final class MapWriter extends FieldWriter {
        private final int emptyLevel;
        private final int repeatLevel;
        private final FieldWriter key;
        private final FieldWriter value;

        MapWriter(
                int position,
                int nullLevel,
                boolean optional,
                int emptyLevel,
                int repeatLevel,
                FieldWriter key,
                FieldWriter value) {
            super(position, nullLevel, optional);
            this.emptyLevel = emptyLevel;
            this.repeatLevel = repeatLevel;
            this.key = key;
            this.value = value;
        }

        @Override
        void write(int repetitionLevel, Row row) {
            writeObject(repetitionLevel, row.isNull(position) ? null : row.getReference(position));
        }

        @Override
        void writeObject(int repetitionLevel, Object object) {
            if (object == null) {
                writeAbsent(repetitionLevel, "map");
                return;
            }
            Map<?, ?> map = (Map<?, ?>) object;
            if (map.isEmpty()) {
                writeNull(repetitionLevel, emptyLevel);
                return;
            }
            int level = repetitionLevel;
            Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
            while (entries.hasNext()) {
                Map.Entry<?, ?> entry = entries.next();
                key.writeObject(level, entry.getKey());
                value.writeObject(level, entry.getValue());
                level = repeatLevel;
            }
        }

        @Override
        void writeNull(int repetitionLevel, int definitionLevel) {
            key.writeNull(repetitionLevel, definitionLevel);
            value.writeNull(repetitionLevel, definitionLevel);
        }

        @Override
        void collectColumns(List<TripleWriter<?>> columns) {
            key.collectColumns(columns);
            value.collectColumns(columns);
        }

        @Override
        void setColumnStore(ColumnWriteStore store) {
            key.setColumnStore(store);
            value.setColumnStore(store);
        }

        @Override
        Stream<FieldMetrics<?>> metrics() {
            return Stream.concat(key.metrics(), value.metrics());
        }
    }
}
