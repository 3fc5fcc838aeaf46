package io.snapclone.testing;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips every test, with the reason, when the chosen {@link Fixture} cannot run here (the
 * Testcontainers profile without a Docker engine) instead of failing each one. Registered
 * for the integration tests through JUnit's extension auto-detection (see the pom).
 */
public final class FixtureAvailable implements ExecutionCondition {
    private static final String REASON = Fixture.unavailableReason();
    private static boolean said;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (REASON == null) {
            return ConditionEvaluationResult.enabled("the " + (Fixture.containers() ? "containers" : "embedded")
                    + " fixture runs here");
        }
        sayOnce();
        return ConditionEvaluationResult.disabled(REASON);
    }

    private static synchronized void sayOnce() {
        if (!said) {
            said = true;
            System.err.println("[snapclone] " + REASON);
        }
    }
}
