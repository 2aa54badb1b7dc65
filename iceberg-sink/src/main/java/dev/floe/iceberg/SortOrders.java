package dev.floe.iceberg;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.NullOrder;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.expressions.Term;

/**
 * Sort orders written as in Trino and Spark: a column or a transform of one ({@code year(col)},
 * {@code month(col)}, {@code day(col)}, {@code hour(col)}, {@code bucket(N, col)}, {@code
 * truncate(W, col)}), optionally followed by {@code ASC} or {@code DESC} and {@code NULLS FIRST}
 * or {@code NULLS LAST}. Nulls come first in ascending order and last in descending order unless
 * said otherwise.
 */
public final class SortOrders {
    private static final String COLUMN = "([A-Za-z_][A-Za-z0-9_.]*)";
    private static final Pattern FIELD = Pattern.compile(
            "\\s*(" + COLUMN + "|(year|month|day|hour)\\s*\\(\\s*" + COLUMN + "\\s*\\)"
                    + "|(bucket|truncate)\\s*\\(\\s*(\\d+)\\s*,\\s*" + COLUMN + "\\s*\\))"
                    + "(?:\\s+(asc|desc))?(?:\\s+nulls\\s+(first|last))?\\s*",
            Pattern.CASE_INSENSITIVE);

    private SortOrders() {}

    /** Null when {@code expression} is well formed, else what is wrong with it. */
    public static String checkSyntax(String expression) {
        if (FIELD.matcher(expression).matches()) {
            return null;
        }
        return "cannot read sort expression '" + expression + "': expected a column or year(col), month(col),"
                + " day(col), hour(col), bucket(N, col), truncate(W, col), then optionally ASC or DESC and NULLS"
                + " FIRST or NULLS LAST" + PartitionSpecs.splitHint(expression);
    }

    /**
     * The sort order of {@code expressions} over {@code schema}; unsorted for none.
     *
     * @throws IllegalArgumentException naming the expression when a column is missing or a
     *     transform does not fit its type
     */
    public static SortOrder build(Schema schema, List<String> expressions) {
        if (expressions.isEmpty()) {
            return SortOrder.unsorted();
        }
        SortOrder.Builder builder = SortOrder.builderFor(schema);
        for (String expression : expressions) {
            Matcher matcher = FIELD.matcher(expression);
            if (!matcher.matches()) {
                throw new IllegalArgumentException(checkSyntax(expression));
            }
            boolean descending = "desc".equalsIgnoreCase(matcher.group(8));
            String nulls = matcher.group(9);
            NullOrder nullOrder = nulls == null
                    ? (descending ? NullOrder.NULLS_LAST : NullOrder.NULLS_FIRST)
                    : (nulls.toLowerCase(Locale.ROOT).equals("first") ? NullOrder.NULLS_FIRST : NullOrder.NULLS_LAST);
            try {
                Term term = term(matcher);
                if (descending) {
                    builder.desc(term, nullOrder);
                } else {
                    builder.asc(term, nullOrder);
                }
            } catch (IllegalArgumentException | org.apache.iceberg.exceptions.ValidationException e) {
                throw new IllegalArgumentException("Cannot sort by '" + expression.trim() + "': " + e.getMessage(), e);
            }
        }
        return builder.build();
    }

    private static Term term(Matcher matcher) {
        if (matcher.group(2) != null) {
            return Expressions.ref(matcher.group(2));
        }
        if (matcher.group(3) != null) {
            String column = matcher.group(4);
            switch (matcher.group(3).toLowerCase(Locale.ROOT)) {
                case "year":
                    return Expressions.year(column);
                case "month":
                    return Expressions.month(column);
                case "day":
                    return Expressions.day(column);
                default:
                    return Expressions.hour(column);
            }
        }
        int width = Integer.parseInt(matcher.group(6));
        String column = matcher.group(7);
        return matcher.group(5).equalsIgnoreCase("bucket")
                ? Expressions.bucket(column, width)
                : Expressions.truncate(column, width);
    }
}
