package io.rela.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Experiment trackers the trainer reports the run to. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrackingSpec {

  @JsonPropertyDescription("An MLflow tracking server: one MLflow run per job, with the training-relevant spec as"
      + " parameters, per-epoch metrics and the final accuracies.")
  public MlflowSpec mlflow;
}
