package dev.floe.deploy.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class AvroCompatibilityTest {
    /** {id}. */
    private static final Schema V1 = parse("{\"name\":\"id\",\"type\":\"long\"}");
    /** {id, note = ""}: adds a field with a default. */
    private static final Schema WITH_DEFAULT =
            parse("{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"note\",\"type\":\"string\",\"default\":\"\"}");
    /** {id, note}: adds a field without a default. */
    private static final Schema WITHOUT_DEFAULT =
            parse("{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"note\",\"type\":\"string\"}");
    /** {}: drops id. */
    private static final Schema EMPTY = parse("");

    private static Schema parse(String fields) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"T\",\"fields\":[" + fields + "]}");
    }

    private static List<AvroCompatibility.Earlier> versions(Schema... schemas) {
        List<AvroCompatibility.Earlier> earlier = new java.util.ArrayList<>();
        for (int i = 0; i < schemas.length; i++) {
            earlier.add(new AvroCompatibility.Earlier(i + 1, schemas[i]));
        }
        return earlier;
    }

    @Test
    void backwardAcceptsAFieldWithADefaultAndRefusesOneWithout() {
        assertThat(AvroCompatibility.problems(CompatibilityLevel.BACKWARD, WITH_DEFAULT, versions(V1)))
                .isEmpty();
        assertThat(AvroCompatibility.problems(CompatibilityLevel.BACKWARD, WITHOUT_DEFAULT, versions(V1)))
                .singleElement()
                .asString()
                .contains("the new schema cannot read data written with version 1")
                .contains("field 'note' is missing there and has no default value")
                .contains("READER_FIELD_MISSING_DEFAULT_VALUE");
    }

    @Test
    void forwardAcceptsAFieldWithoutADefaultAndRefusesDroppingARequiredOne() {
        assertThat(AvroCompatibility.problems(CompatibilityLevel.FORWARD, WITHOUT_DEFAULT, versions(V1)))
                .isEmpty();
        assertThat(AvroCompatibility.problems(CompatibilityLevel.FORWARD, EMPTY, versions(V1)))
                .singleElement()
                .asString()
                .contains("version 1 cannot read data written with the new schema");
    }

    @Test
    void fullNeedsBothDirections() {
        assertThat(AvroCompatibility.problems(CompatibilityLevel.FULL, WITH_DEFAULT, versions(V1)))
                .isEmpty();
        assertThat(AvroCompatibility.problems(CompatibilityLevel.FULL, WITHOUT_DEFAULT, versions(V1)))
                .hasSize(1);
        assertThat(AvroCompatibility.problems(CompatibilityLevel.FULL, EMPTY, versions(V1)))
                .hasSize(1);
    }

    @Test
    void plainLevelsCheckOnlyTheLatestVersionAndTransitiveOnesCheckThemAll() {
        // version 1 has no note, version 2 adds it with a default; the candidate requires it
        Schema requiresNote = WITHOUT_DEFAULT;
        List<AvroCompatibility.Earlier> history = versions(V1, WITH_DEFAULT);

        assertThat(AvroCompatibility.problems(CompatibilityLevel.BACKWARD, requiresNote, history))
                .isEmpty();
        assertThat(AvroCompatibility.problems(CompatibilityLevel.BACKWARD_TRANSITIVE, requiresNote, history))
                .singleElement()
                .asString()
                .contains("version 1");
    }

    @Test
    void noneAndAnEmptySubjectAcceptAnything() {
        assertThat(AvroCompatibility.problems(CompatibilityLevel.NONE, EMPTY, versions(V1)))
                .isEmpty();
        assertThat(AvroCompatibility.problems(CompatibilityLevel.FULL_TRANSITIVE, EMPTY, List.of()))
                .isEmpty();
    }

    @Test
    void aTypeChangeAvroCannotPromoteIsRefused() {
        Schema asString = parse("{\"name\":\"id\",\"type\":\"string\"}");
        Schema asInt = parse("{\"name\":\"id\",\"type\":\"int\"}");
        assertThat(AvroCompatibility.problems(CompatibilityLevel.BACKWARD, asString, versions(V1)))
                .singleElement()
                .asString()
                .contains("TYPE_MISMATCH");
        // int is promoted to long: a long reader reads int data, not the other way round
        assertThat(AvroCompatibility.problems(CompatibilityLevel.BACKWARD, V1, versions(asInt)))
                .isEmpty();
        assertThat(AvroCompatibility.problems(CompatibilityLevel.FORWARD, V1, versions(asInt)))
                .isNotEmpty();
    }
}
