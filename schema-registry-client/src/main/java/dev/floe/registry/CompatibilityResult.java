package dev.floe.registry;

import java.util.List;

/**
 * The registry's answer to a compatibility check.
 *
 * @param compatible whether the schema may be registered under the subject
 * @param messages why not, when the registry says (empty from registries that do not)
 */
public record CompatibilityResult(boolean compatible, List<String> messages) {
    public CompatibilityResult {
        messages = List.copyOf(messages);
    }
}
