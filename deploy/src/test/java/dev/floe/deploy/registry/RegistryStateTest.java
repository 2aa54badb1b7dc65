package dev.floe.deploy.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryStateTest {
    private static final SchemaContent INT_RECORD =
            avro("{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");
    private static final SchemaContent LONG_RECORD =
            avro("{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"long\"}]}");

    private final RegistryState state = new RegistryState(CompatibilityLevel.BACKWARD);

    private static SchemaContent avro(String schema) {
        return new SchemaContent(SchemaContent.AVRO, schema, List.of());
    }

    private void register(String subject, int version, int id, SchemaContent content) {
        state.apply(new StoreKey.Schema(subject, version), new StoreValue.Schema(subject, version, id, content, false));
    }

    @Test
    void startsEmptyWithIdOneAndVersionOne() {
        assertThat(state.nextId()).isEqualTo(1);
        assertThat(state.nextVersion("orders-value")).isEqualTo(1);
        assertThat(state.subjects()).isEmpty();
        assertThat(state.globalCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
    }

    @Test
    void sameSchemaUnderAnotherSubjectKeepsItsGlobalId() {
        register("a-value", 1, 1, INT_RECORD);
        register("b-value", 1, 1, INT_RECORD);

        assertThat(state.id(INT_RECORD)).hasValue(1);
        assertThat(state.find("b-value", INT_RECORD))
                .map(RegistryState.Version::id)
                .hasValue(1);
        assertThat(state.versionsOf(1))
                .extracting(RegistryState.Version::subject)
                .containsExactly("a-value", "b-value");
        assertThat(state.nextId()).isEqualTo(2);
    }

    @Test
    void versionsCountPerSubjectAndLatestIsTheNewest() {
        register("a-value", 1, 1, INT_RECORD);
        register("a-value", 2, 2, LONG_RECORD);

        assertThat(state.versions("a-value"))
                .extracting(RegistryState.Version::version)
                .containsExactly(1, 2);
        assertThat(state.latest("a-value")).map(RegistryState.Version::id).hasValue(2);
        assertThat(state.nextVersion("a-value")).isEqualTo(3);
        assertThat(state.nextVersion("b-value")).isEqualTo(1);
    }

    @Test
    void softDeletedVersionIsHiddenButItsNumberAndIdAreNeverReused() {
        register("a-value", 1, 1, INT_RECORD);
        state.apply(new StoreKey.Schema("a-value", 1), new StoreValue.Schema("a-value", 1, 1, INT_RECORD, true));

        assertThat(state.hasSubject("a-value")).isFalse();
        assertThat(state.subjects()).isEmpty();
        assertThat(state.version("a-value", 1)).isEmpty();
        assertThat(state.nextVersion("a-value")).isEqualTo(2);
        assertThat(state.nextId()).isEqualTo(2);
        assertThat(state.schema(1)).hasValue(INT_RECORD);
    }

    @Test
    void tombstoneRemovesTheVersion() {
        register("a-value", 1, 1, INT_RECORD);
        state.apply(new StoreKey.Schema("a-value", 1), null);

        assertThat(state.versions("a-value")).isEmpty();
        assertThat(state.nextVersion("a-value")).isEqualTo(1);
    }

    @Test
    void compatibilityIsStoredPerSubjectAndGloballyAndRemovedByTombstone() {
        state.apply(StoreKey.Config.GLOBAL, new StoreValue.Config(CompatibilityLevel.FULL));
        state.apply(new StoreKey.Config("a-value"), new StoreValue.Config(CompatibilityLevel.NONE));

        assertThat(state.globalCompatibility()).isEqualTo(CompatibilityLevel.FULL);
        assertThat(state.subjectCompatibility("a-value")).hasValue(CompatibilityLevel.NONE);

        state.apply(new StoreKey.Config("a-value"), null);
        state.apply(StoreKey.Config.GLOBAL, null);
        assertThat(state.subjectCompatibility("a-value")).isEmpty();
        assertThat(state.globalCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
    }
}
