package dev.floe.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.junit.jupiter.api.Test;

class SubjectNameStrategyTest {
    @Test
    void namesSubjectsForKeysAndValues() {
        assertThat(SubjectNameStrategy.TOPIC_NAME.subject("orders", RecordPart.KEY, null))
                .isEqualTo("orders-key");
        assertThat(SubjectNameStrategy.TOPIC_NAME.subject("orders", RecordPart.VALUE, "com.x.Order"))
                .isEqualTo("orders-value");
        assertThat(SubjectNameStrategy.RECORD_NAME.subject("orders", RecordPart.VALUE, "com.x.Order"))
                .isEqualTo("com.x.Order");
        assertThat(SubjectNameStrategy.RECORD_NAME.subject("orders", RecordPart.KEY, "com.x.OrderKey"))
                .isEqualTo("com.x.OrderKey");
        assertThat(SubjectNameStrategy.TOPIC_RECORD_NAME.subject("orders", RecordPart.VALUE, "com.x.Order"))
                .isEqualTo("orders-com.x.Order");
    }

    @Test
    void aRecordStrategyNeedsARecordName() {
        assertThat(catchThrowable(() -> SubjectNameStrategy.TOPIC_RECORD_NAME.subject("orders", RecordPart.KEY, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot name the key subject of topic orders: the TOPIC_RECORD_NAME strategy needs the"
                        + " record's full name");
    }

    @Test
    void isNamedAsUsersAndConfluentNameIt() {
        assertThat(SubjectNameStrategy.named("topic-name")).isEqualTo(SubjectNameStrategy.TOPIC_NAME);
        assertThat(SubjectNameStrategy.named("RECORD_NAME")).isEqualTo(SubjectNameStrategy.RECORD_NAME);
        assertThat(SubjectNameStrategy.named("TopicRecordNameStrategy"))
                .isEqualTo(SubjectNameStrategy.TOPIC_RECORD_NAME);
        assertThat(SubjectNameStrategy.named("io.confluent.kafka.serializers.subject.RecordNameStrategy"))
                .isEqualTo(SubjectNameStrategy.RECORD_NAME);
        assertThat(catchThrowable(() -> SubjectNameStrategy.named("subject-per-day")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot choose a subject name strategy: unknown name 'subject-per-day', expected"
                        + " topic-name, record-name or topic-record-name");
    }
}
