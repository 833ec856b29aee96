package io.rela.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Linear-probe evaluation. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EvaluationSpec {

  /** Linear-probe epochs. */
  @Default("30")
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("Epochs of the linear classifier trained on frozen backbone features.")
  public Integer linearProbeEpochs;

  /** Test samples. */
  @Min(1)
  @JsonPropertyDescription("Evaluate on only the first this many test samples (and as many train samples). Unset: the whole splits.")
  public Integer maxSamples;

  /** Baseline. */
  @Default("true")
  @JsonPropertyDescription("Also probe a randomly initialised backbone of the same architecture and report its accuracy as the baseline.")
  public Boolean randomBaseline;
}
