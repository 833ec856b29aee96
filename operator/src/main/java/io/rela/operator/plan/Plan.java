package io.rela.operator.plan;

import io.rela.operator.status.Observation;
import java.time.Duration;
import java.util.List;

/**
 * What one reconciliation does: the changes to make, the Events to send once the status is
 * written, the status observation, and when to look again without a change (null: only on one).
 */
public record Plan(List<Action> actions, List<Event> events, Observation observation, Duration recheckAfter) {

  /** A Kubernetes Event on the job. */
  public record Event(boolean warning, String reason, String message) {}
}
