package dev.floe.iceberg;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;

/**
 * Partition specs written as in Trino and Spark: {@code col}, {@code year(col)}, {@code
 * month(col)}, {@code day(col)}, {@code hour(col)}, {@code bucket(N, col)}, {@code truncate(W,
 * col)}.
 */
public final class PartitionSpecs {
    private static final Pattern IDENTITY = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*");
    private static final Pattern TIME =
            Pattern.compile("\\s*(year|month|day|hour)\\s*\\(\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*\\)\\s*");
    private static final Pattern WIDTH =
            Pattern.compile("\\s*(bucket|truncate)\\s*\\(\\s*(\\d+)\\s*,\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*\\)\\s*");

    private PartitionSpecs() {}

    /** Null when {@code expression} is well formed, else what is wrong with it. */
    public static String checkSyntax(String expression) {
        if (IDENTITY.matcher(expression).matches()
                || TIME.matcher(expression).matches()
                || WIDTH.matcher(expression).matches()) {
            return null;
        }
        return "cannot read partition expression '" + expression
                + "': expected col, year(col), month(col), day(col), hour(col), bucket(N, col) or truncate(W, col)"
                + splitHint(expression);
    }

    /**
     * A hint for an expression that a YAML flow list split at its comma ({@code [bucket(4, id)]}
     * reads as {@code "bucket(4"} and {@code "id)"}); empty otherwise.
     */
    static String splitHint(String expression) {
        long opening = expression.chars().filter(c -> c == '(').count();
        long closing = expression.chars().filter(c -> c == ')').count();
        return opening == closing
                ? ""
                : " (in a YAML list written [a, b], quote each expression that has a comma: 'bucket(4, id)')";
    }

    /**
     * The spec of {@code expressions} over {@code schema}.
     *
     * @throws IllegalArgumentException naming the expression when a column is missing or a
     *     transform does not fit its type
     */
    public static PartitionSpec build(Schema schema, List<String> expressions) {
        PartitionSpec.Builder builder = PartitionSpec.builderFor(schema);
        for (String expression : expressions) {
            try {
                add(builder, expression);
            } catch (IllegalArgumentException | org.apache.iceberg.exceptions.ValidationException e) {
                throw new IllegalArgumentException(
                        "Cannot partition by '" + expression.trim() + "': " + e.getMessage(), e);
            }
        }
        return builder.build();
    }

    private static void add(PartitionSpec.Builder builder, String expression) {
        Matcher matcher = TIME.matcher(expression);
        if (matcher.matches()) {
            String column = matcher.group(2);
            switch (matcher.group(1)) {
                case "year":
                    builder.year(column);
                    return;
                case "month":
                    builder.month(column);
                    return;
                case "day":
                    builder.day(column);
                    return;
                default:
                    builder.hour(column);
                    return;
            }
        }
        matcher = WIDTH.matcher(expression);
        if (matcher.matches()) {
            int width = Integer.parseInt(matcher.group(2));
            if (matcher.group(1).equals("bucket")) {
                builder.bucket(matcher.group(3), width);
            } else {
                builder.truncate(matcher.group(3), width);
            }
            return;
        }
        matcher = IDENTITY.matcher(expression);
        if (matcher.matches()) {
            builder.identity(matcher.group(1));
            return;
        }
        throw new IllegalArgumentException(checkSyntax(expression));
    }
}
