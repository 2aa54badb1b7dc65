package dev.floe.deploy.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.registry.SchemaReference;
import java.util.List;
import org.junit.jupiter.api.Test;

class AvroCanonicalizerTest {
    private final RegistryState state = new RegistryState(CompatibilityLevel.BACKWARD);

    private SchemaContent canonical(String schema) {
        return AvroCanonicalizer.canonicalize(schema, List.of(), state);
    }

    @Test
    void whitespaceAttributeOrderAndNamespaceSpellingDoNotMakeADifferentSchema() {
        SchemaContent compact = canonical(
                "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"dev.floe\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}");
        SchemaContent spaced = canonical(
                "{ \"fields\" : [ { \"type\" : \"long\", \"name\" : \"id\" } ],\n \"name\" : \"dev.floe.Order\", \"type\" : \"record\" }");
        assertThat(spaced).isEqualTo(compact);
    }

    @Test
    void aDifferentDefaultMakesADifferentSchema() {
        SchemaContent one = canonical(
                "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"int\",\"default\":1}]}");
        SchemaContent two = canonical(
                "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"int\",\"default\":2}]}");
        assertThat(one).isNotEqualTo(two);
    }

    @Test
    void rejectsWhatAvroRejects() {
        assertThatThrownBy(() -> canonical(
                        "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"nope\"}]}"))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.error()).isEqualTo(RegistryError.INVALID_SCHEMA))
                .hasMessageContaining("nope");
        assertThatThrownBy(
                        () -> canonical(
                                "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"a\",\"type\":\"int\",\"default\":\"x\"}]}"))
                .isInstanceOf(RegistryException.class);
    }

    @Test
    void resolvesNamedTypesFromReferencesWithoutInliningThem() {
        String customer =
                "{\"type\":\"record\",\"name\":\"Customer\",\"namespace\":\"dev.floe\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";
        SchemaContent referenced = canonical(customer);
        state.apply(new StoreKey.Schema("customer", 1), new StoreValue.Schema("customer", 1, 1, referenced, false));

        SchemaReference reference = new SchemaReference("dev.floe.Customer", "customer", 1);
        SchemaContent order = AvroCanonicalizer.canonicalize(
                "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"dev.floe\",\"fields\":[{\"name\":\"customer\",\"type\":\"Customer\"}]}",
                List.of(reference),
                state);

        assertThat(order.references()).containsExactly(reference);
        assertThat(order.schema()).contains("\"type\":\"Customer\"").doesNotContain("\"name\":\"id\"");
    }

    @Test
    void rejectsAReferenceThatIsNotRegistered() {
        assertThatThrownBy(() -> AvroCanonicalizer.canonicalize(
                        "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"c\",\"type\":\"Customer\"}]}",
                        List.of(new SchemaReference("Customer", "customer", 3)),
                        state))
                .hasMessageContaining("reference 'Customer' (subject customer version 3) is not registered");
    }

    private SchemaContent normalized(String schema) {
        return AvroCanonicalizer.parse(schema, List.of(), state, true).content();
    }

    @Test
    void normalizingMakesPropertyOrderAndNameSpellingIrrelevant() {
        SchemaContent one = normalized("{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"dev.floe\","
                + "\"fields\":[{\"name\":\"id\",\"type\":{\"type\":\"long\",\"b\":1,\"a\":2}}]}");
        SchemaContent two = normalized("{\"fields\":[{\"type\":{\"a\":2,\"type\":\"long\",\"b\":1},\"name\":\"id\"}],"
                + "\"name\":\"dev.floe.Order\",\"type\":\"record\"}");

        assertThat(one).isEqualTo(two);
        assertThat(one.schema())
                .isEqualTo("{\"type\":\"record\",\"name\":\"dev.floe.Order\",\"fields\":[{\"name\":\"id\","
                        + "\"type\":{\"type\":\"long\",\"a\":2,\"b\":1}}]}");
        // without normalizing, the custom properties keep the order they were written in
        assertThat(canonical("{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"id\","
                        + "\"type\":{\"type\":\"long\",\"b\":1,\"a\":2}}]}"))
                .isNotEqualTo(canonical("{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"id\","
                        + "\"type\":{\"type\":\"long\",\"a\":2,\"b\":1}}]}"));
    }

    @Test
    void normalizedTextKeepsWhatChangesHowDataReadsAndParsesToTheSameSchema() {
        String schema = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"doc\":\"an order\","
                + "\"aliases\":[\"Purchase\"],\"fields\":["
                + "{\"name\":\"price\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":10,\"scale\":2}},"
                + "{\"name\":\"status\",\"type\":{\"type\":\"enum\",\"name\":\"Status\",\"symbols\":[\"NEW\",\"PAID\"],"
                + "\"default\":\"NEW\"},\"default\":\"NEW\",\"doc\":\"where it is\",\"aliases\":[\"state\"]},"
                + "{\"name\":\"previous\",\"type\":[\"null\",\"Status\"],\"default\":null},"
                + "{\"name\":\"inner\",\"type\":{\"type\":\"record\",\"name\":\"Bare\",\"namespace\":\"\",\"fields\":[]}},"
                + "{\"name\":\"tags\",\"type\":{\"type\":\"map\",\"values\":\"string\"},\"default\":{\"b\":\"2\",\"a\":\"1\"},"
                + "\"order\":\"descending\"}]}";
        SchemaContent content = normalized(schema);

        assertThat(new org.apache.avro.Schema.Parser().parse(content.schema()))
                .isEqualTo(new org.apache.avro.Schema.Parser().parse(schema));
        assertThat(content.schema())
                .contains("\"name\":\"shop.Order\"")
                .contains("\"doc\":\"an order\"")
                .contains("\"aliases\":[\"shop.Purchase\"]")
                .contains("\"logicalType\":\"decimal\"")
                .contains("\"type\":[\"null\",\"shop.Status\"]")
                .contains("\"name\":\"Bare\",\"namespace\":\"\"")
                .contains("\"order\":\"descending\"");
        assertThat(normalized(content.schema())).isEqualTo(content);
    }
}
