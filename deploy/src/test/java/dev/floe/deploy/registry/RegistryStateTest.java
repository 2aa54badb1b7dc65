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
        assertThat(state.subjects(false)).isEmpty();
        assertThat(state.globalCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
    }

    @Test
    void sameSchemaUnderAnotherSubjectKeepsItsGlobalId() {
        register("a-value", 1, 1, INT_RECORD);
        register("b-value", 1, 1, INT_RECORD);

        assertThat(state.id(INT_RECORD)).hasValue(1);
        assertThat(state.find("b-value", INT_RECORD, false))
                .map(RegistryState.Version::id)
                .hasValue(1);
        assertThat(state.versionsOf(1, false))
                .extracting(RegistryState.Version::subject)
                .containsExactly("a-value", "b-value");
        assertThat(state.nextId()).isEqualTo(2);
    }

    @Test
    void versionsCountPerSubjectAndLatestIsTheNewest() {
        register("a-value", 1, 1, INT_RECORD);
        register("a-value", 2, 2, LONG_RECORD);

        assertThat(state.versions("a-value", false))
                .extracting(RegistryState.Version::version)
                .containsExactly(1, 2);
        assertThat(state.latest("a-value", false))
                .map(RegistryState.Version::id)
                .hasValue(2);
        assertThat(state.nextVersion("a-value")).isEqualTo(3);
        assertThat(state.nextVersion("b-value")).isEqualTo(1);
    }

    @Test
    void softDeletedVersionIsHiddenButItsNumberAndIdAreNeverReused() {
        register("a-value", 1, 1, INT_RECORD);
        state.apply(new StoreKey.Schema("a-value", 1), new StoreValue.Schema("a-value", 1, 1, INT_RECORD, true));

        assertThat(state.hasSubject("a-value", false)).isFalse();
        assertThat(state.subjects(false)).isEmpty();
        assertThat(state.version("a-value", 1, false)).isEmpty();
        assertThat(state.nextVersion("a-value")).isEqualTo(2);
        assertThat(state.nextId()).isEqualTo(2);
        assertThat(state.schema(1)).hasValue(INT_RECORD);
    }

    @Test
    void tombstoneRemovesTheVersion() {
        register("a-value", 1, 1, INT_RECORD);
        state.apply(new StoreKey.Schema("a-value", 1), null);

        assertThat(state.versions("a-value", false)).isEmpty();
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

    @Test
    void permanentlyDeletedIdResolvesNoMoreAndIsNeverHandedOutAgain() {
        register("a-value", 1, 1, INT_RECORD);
        register("a-value", 2, 2, LONG_RECORD);
        state.apply(new StoreKey.Schema("a-value", 2), null);
        state.apply(StoreKey.IdWatermark.INSTANCE, new StoreValue.IdWatermark(2));

        assertThat(state.schema(2)).isEmpty();
        assertThat(state.id(LONG_RECORD)).isEmpty();
        assertThat(state.nextId()).isEqualTo(3);

        // replayed after compaction: the tombstoned version is gone, the watermark keeps the id used
        RegistryState replayed = new RegistryState(CompatibilityLevel.BACKWARD);
        replayed.apply(StoreKey.IdWatermark.INSTANCE, new StoreValue.IdWatermark(2));
        replayed.apply(new StoreKey.Schema("a-value", 1), new StoreValue.Schema("a-value", 1, 1, INT_RECORD, false));
        assertThat(replayed.nextId()).isEqualTo(3);
    }

    @Test
    void anIdHeldBySeveralVersionsResolvesUntilTheLastGoes() {
        register("a-value", 1, 1, INT_RECORD);
        register("b-value", 1, 1, INT_RECORD);
        state.apply(new StoreKey.Schema("a-value", 1), null);

        assertThat(state.schema(1)).hasValue(INT_RECORD);
        state.apply(new StoreKey.Schema("b-value", 1), null);
        assertThat(state.schema(1)).isEmpty();
    }

    @Test
    void aGlobalReadonlyOverrideWinsOverEverySubjectsOwnMode() {
        state.apply(new StoreKey.Mode("a-value"), new StoreValue.Mode(RegistryMode.IMPORT));
        assertThat(state.modeInScope("a-value")).isEqualTo(RegistryMode.IMPORT);
        assertThat(state.modeInScope("b-value")).isEqualTo(RegistryMode.READWRITE);

        state.apply(StoreKey.Mode.GLOBAL, new StoreValue.Mode(RegistryMode.READONLY));
        assertThat(state.modeInScope("a-value")).isEqualTo(RegistryMode.IMPORT);
        assertThat(state.modeInScope("b-value")).isEqualTo(RegistryMode.READONLY);

        state.apply(StoreKey.Mode.GLOBAL, new StoreValue.Mode(RegistryMode.READONLY_OVERRIDE));
        assertThat(state.modeInScope("a-value")).isEqualTo(RegistryMode.READONLY_OVERRIDE);

        state.apply(StoreKey.Mode.GLOBAL, null);
        state.apply(new StoreKey.Mode("a-value"), null);
        assertThat(state.modeInScope("a-value")).isEqualTo(RegistryMode.READWRITE);
    }

    @Test
    void normalizeAndLevelFollowTheSubjectThenTheGlobalConfig() {
        state.apply(StoreKey.Config.GLOBAL, new StoreValue.Config(null, true));
        assertThat(state.normalizeInScope("a-value")).isTrue();
        assertThat(state.compatibilityInScope("a-value")).isEqualTo(CompatibilityLevel.BACKWARD);

        state.apply(new StoreKey.Config("a-value"), new StoreValue.Config(CompatibilityLevel.NONE, false));
        assertThat(state.normalizeInScope("a-value")).isFalse();
        assertThat(state.compatibilityInScope("a-value")).isEqualTo(CompatibilityLevel.NONE);
        assertThat(state.compatibilityInScope("b-value")).isEqualTo(CompatibilityLevel.BACKWARD);
    }

    @Test
    void findsWhoReferencesAVersion() {
        register("customer-value", 1, 1, INT_RECORD);
        SchemaContent order = new SchemaContent(
                SchemaContent.AVRO,
                "{\"type\":\"record\",\"name\":\"O\",\"fields\":[{\"name\":\"t\",\"type\":\"T\"}]}",
                List.of(new dev.floe.registry.SchemaReference("T", "customer-value", 1)));
        register("order-value", 1, 2, order);
        state.apply(new StoreKey.Schema("order-value", 2), new StoreValue.Schema("order-value", 2, 2, order, true));

        assertThat(state.referencingIds("customer-value", 1)).containsExactly(2);
        assertThat(state.referencedBy("customer-value", 1, false))
                .extracting(RegistryState.Version::version)
                .containsExactly(1);
        assertThat(state.referencedBy("customer-value", 1, true)).hasSize(2);
        assertThat(state.referencedBy("customer-value", 2, true)).isEmpty();
    }
}
