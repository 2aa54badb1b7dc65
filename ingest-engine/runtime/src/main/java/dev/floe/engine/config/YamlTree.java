package dev.floe.engine.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as nodes that remember their line, so that every config problem can point at
 * the line it is about.
 */
final class YamlTree {
    private YamlTree() {}

    /** A parsed value: a scalar (String, Number, Boolean or null), a mapping or a list. */
    abstract static class Node {
        final int line;

        Node(int line) {
            this.line = line;
        }

        /** The plain Java value: String, Number, Boolean, null, List or Map. */
        abstract Object plain();
    }

    static final class Scalar extends Node {
        final Object value;

        Scalar(Object value, int line) {
            super(line);
            this.value = value;
        }

        @Override
        Object plain() {
            return value;
        }
    }

    static final class Mapping extends Node {
        /** Entries in file order. */
        final Map<String, Node> entries;

        Mapping(Map<String, Node> entries, int line) {
            super(line);
            this.entries = Collections.unmodifiableMap(entries);
        }

        @Override
        Object plain() {
            Map<String, Object> map = new LinkedHashMap<>();
            entries.forEach((key, node) -> map.put(key, node.plain()));
            return map;
        }
    }

    static final class Sequence extends Node {
        final List<Node> elements;

        Sequence(List<Node> elements, int line) {
            super(line);
            this.elements = Collections.unmodifiableList(elements);
        }

        @Override
        Object plain() {
            List<Object> list = new ArrayList<>();
            elements.forEach(node -> list.add(node.plain()));
            return list;
        }
    }

    /** Thrown for YAML that does not parse, with the line of the problem. */
    static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;
        final int line;

        SyntaxError(String message, int line) {
            super(message);
            this.line = line;
        }
    }

    static Node parse(String text) throws SyntaxError {
        try (JsonParser parser = new YAMLFactory().createParser(text)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return new Mapping(new LinkedHashMap<>(), 1);
            }
            Node root = read(parser, token);
            if (parser.nextToken() != null) {
                throw new SyntaxError("more than one YAML document; a config is one document", line(parser));
            }
            return root;
        } catch (IOException e) {
            int line = e instanceof com.fasterxml.jackson.core.JsonProcessingException
                            && ((com.fasterxml.jackson.core.JsonProcessingException) e).getLocation() != null
                    ? ((com.fasterxml.jackson.core.JsonProcessingException) e)
                            .getLocation()
                            .getLineNr()
                    : 0;
            throw new SyntaxError(firstLine(e.getMessage()), line);
        }
    }

    private static Node read(JsonParser parser, JsonToken token) throws IOException, SyntaxError {
        int line = line(parser);
        switch (token) {
            case START_OBJECT: {
                Map<String, Node> entries = new LinkedHashMap<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_OBJECT; next = parser.nextToken()) {
                    String key = parser.currentName();
                    int keyLine = line(parser);
                    Node value = read(parser, parser.nextToken());
                    if (entries.containsKey(key)) {
                        throw new SyntaxError("key '" + key + "' appears twice in one mapping", keyLine);
                    }
                    // a null value points at its key's line, where the reader will look
                    entries.put(
                            key,
                            value instanceof Scalar && ((Scalar) value).value == null
                                    ? new Scalar(null, keyLine)
                                    : value);
                }
                return new Mapping(entries, line);
            }
            case START_ARRAY: {
                List<Node> elements = new ArrayList<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                    elements.add(read(parser, next));
                }
                return new Sequence(elements, line);
            }
            case VALUE_STRING:
                return new Scalar(parser.getText(), line);
            case VALUE_NUMBER_INT:
                return new Scalar(parser.getNumberValue(), line);
            case VALUE_NUMBER_FLOAT:
                return new Scalar(parser.getDoubleValue(), line);
            case VALUE_TRUE:
                return new Scalar(Boolean.TRUE, line);
            case VALUE_FALSE:
                return new Scalar(Boolean.FALSE, line);
            case VALUE_NULL:
                return new Scalar(null, line);
            default:
                throw new SyntaxError("unexpected YAML token " + token, line);
        }
    }

    private static int line(JsonParser parser) {
        return parser.currentTokenLocation().getLineNr();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid YAML";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
