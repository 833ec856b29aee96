package io.rela.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Optimisation settings for both phases. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrainingSpec {

  /** Epochs. */
  @Default("100")
  @Min(1)
  @Max(100000)
  @JsonPropertyDescription("Training epochs; each visits floor(N * rela.dataRatio) samples.")
  public Integer epochs;

  /** Batch size. */
  @Default("128")
  @Min(2)
  @Max(65536)
  @JsonPropertyDescription("Images per optimiser step (128 for small images, 512 for 224 px in the reference).")
  public Integer batchSize;

  /** AdamW learning rate. */
  @Default("0.001")
  @Min(value = 0, inclusive = false)
  @Max(10)
  @JsonPropertyDescription("AdamW learning rate.")
  public Double learningRate;

  /** AdamW weight decay. */
  @Default("0.01")
  @Min(0)
  @Max(1)
  @JsonPropertyDescription("AdamW weight decay.")
  public Double weightDecay;

  /** EMA momentum of the BYOL target network. */
  @Default("0.99")
  @Min(0)
  @Max(1)
  @JsonPropertyDescription("Momentum m of the BYOL target network: target = m * target + (1 - m) * online after every step.")
  public Double momentum;

  /** Random seed. */
  @Default("0")
  @JsonPropertyDescription("Seed of initialisation, subset draws and augmentation; equal seeds give equal runs on the CPU.")
  public Long seed;

  /** Checkpoint interval. */
  @Default("1")
  @Min(1)
  @JsonPropertyDescription("Write a checkpoint every this many epochs (and always after the last).")
  public Integer checkpointEveryEpochs;

  /** Online linear classifier. */
  @Default("true")
  @JsonPropertyDescription("Train an online linear classifier on detached features, for monitoring.")
  public Boolean onlineClassifier;

  /** Data loader workers. */
  @Default("2")
  @Min(1)
  @Max(64)
  @JsonPropertyDescription("Threads that decode and augment images ahead of the engine.")
  public Integer workers;

  /** Limit of training samples. */
  @Min(1)
  @JsonPropertyDescription("Use only the first this many training samples (for quick runs and tests). Unset: the whole split.")
  public Integer maxSamples;
}
