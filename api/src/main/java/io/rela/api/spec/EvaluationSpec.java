package io.rela.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * Evaluation of the frozen backbone: the reference's linear probe (raw features, Adam lr 3e-4,
 * batch 128, 100 epochs, mean test accuracy of the last 3 epochs) and a weighted kNN.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EvaluationSpec {

  /** Linear-probe epochs. */
  @Default("100")
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("Epochs of the linear classifier trained on frozen backbone features (reference: 100).")
  public Integer linearProbeEpochs;

  /** Probe learning rate. */
  @Default("0.0003")
  @Min(0)
  @Max(10)
  @JsonPropertyDescription("Adam learning rate of the linear classifier (reference: 3e-4, no weight decay).")
  public Double linearProbeLearningRate;

  /** Probe batch. */
  @Default("128")
  @Min(1)
  @Max(65536)
  @JsonPropertyDescription("Mini-batch size of the linear classifier (reference: 128).")
  public Integer linearProbeBatchSize;

  /** Averaged epochs. */
  @Default("3")
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("The reported accuracy is the mean test accuracy of this many last probe epochs (reference: 3).")
  public Integer linearProbeAveragedEpochs;

  /** Standardise features. */
  @Default("false")
  @JsonPropertyDescription("Standardise features with the train split's mean and std before the probe. The reference trains on raw features (false).")
  public Boolean standardizeFeatures;

  /** kNN neighbours. */
  @Default("20")
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("k of the weighted kNN classifier (cosine similarity on the frozen features).")
  public Integer knnK;

  /** kNN temperature. */
  @Default("0.07")
  @Min(0.001)
  @Max(10)
  @JsonPropertyDescription("Temperature of the kNN vote: each of the k neighbours votes for its class with weight exp(cosine / temperature).")
  public Double knnTemperature;

  /** Test samples. */
  @Min(1)
  @JsonPropertyDescription("Evaluate on only the first this many test samples (and as many train samples). Unset: the whole splits.")
  public Integer maxSamples;

  /** Baseline. */
  @Default("true")
  @JsonPropertyDescription("Also evaluate the student's initial (untrained) backbone and report its accuracies as the baseline.")
  public Boolean randomBaseline;
}
