package io.rela.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Observed state of a ReLATrainingJob; written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReLATrainingJobStatus {

  /** Generation last acted on. */
  @JsonPropertyDescription("metadata.generation of the spec this status describes.")
  public Long observedGeneration;

  /** Current stage. */
  @JsonPropertyDescription("Pending, Embedding, Training, Evaluating, Succeeded, Failed or Suspended.")
  public Stage stage;

  /** Standard conditions. */
  @JsonPropertyDescription("Standard conditions: Ready (finished and evaluated), Progressing, Failed, Suspended.")
  public List<Condition> conditions = new ArrayList<>();

  /** Training progress as the trainer reports it. */
  @JsonPropertyDescription("Training progress as last reported by the trainer.")
  public ProgressStatus progress;

  /** The prior embedding used. */
  @JsonPropertyDescription("The prior embedding the targets come from.")
  public PriorStatus prior;

  /** Results of the finished run. */
  @JsonPropertyDescription("Results of the finished run.")
  public ResultsStatus results;

  /** When work began. */
  @JsonPropertyDescription("When the first stage started (RFC 3339).")
  public String startTime;

  /** When the run ended. */
  @JsonPropertyDescription("When the run succeeded or failed (RFC 3339).")
  public String completionTime;

  /** The last rela.io/retry annotation value acted on. */
  @JsonPropertyDescription("The value of the rela.io/retry annotation the operator last acted on: a Failed job is retried"
      + " once per new value.")
  public String retriedFor;

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ReLATrainingJobStatus s)) {
      return false;
    }
    return Objects.equals(observedGeneration, s.observedGeneration) && stage == s.stage
        && Objects.equals(conditions, s.conditions) && Objects.equals(progress, s.progress)
        && Objects.equals(prior, s.prior) && Objects.equals(results, s.results)
        && Objects.equals(startTime, s.startTime) && Objects.equals(completionTime, s.completionTime)
        && Objects.equals(retriedFor, s.retriedFor);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, stage, conditions, progress, prior, results, startTime, completionTime, retriedFor);
  }
}
