package io.rela.operator.status;

import io.rela.api.contract.ProgressReport;
import io.rela.api.status.PriorStatus;
import io.rela.api.status.Stage;

/**
 * What one reconciliation saw and decided, the input of {@link StatusAggregator}.
 *
 * @param generation metadata.generation acted on
 * @param stage the stage the job is in
 * @param reason reason constant for the stage's condition
 * @param message what a person should know about the stage
 * @param progress the trainer's latest report, when there is one
 * @param prior the prior embedding in use
 * @param retriedFor the rela.io/retry value this reconciliation acted on (null: none), kept in
 *     status.retriedFor so a value is acted on once
 */
public record Observation(long generation, Stage stage, String reason, String message, ProgressReport progress,
    PriorStatus prior, String retriedFor) {

  /** An observation that acts on no retry. */
  public Observation(long generation, Stage stage, String reason, String message, ProgressReport progress, PriorStatus prior) {
    this(generation, stage, reason, message, progress, prior, null);
  }
}
