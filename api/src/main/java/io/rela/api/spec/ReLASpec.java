package io.rela.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** The ReLA acceleration: per-epoch subset and switch rule. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// has() guards: the API server also checks the rules against the schema default {}
@ValidationRule(value = "!has(self.constantFraction) || (has(self.schedule) && self.schedule == 'Constant')",
    message = "constantFraction is only allowed with schedule Constant", fieldPath = ".constantFraction")
@ValidationRule(value = "!has(self.schedule) || self.schedule != 'Constant' || has(self.constantFraction)",
    message = "schedule Constant requires constantFraction", fieldPath = ".constantFraction")
@ValidationRule(value = "has(self.fastWindowEpochs) == has(self.slowWindowEpochs)",
    message = "fastWindowEpochs and slowWindowEpochs are set together", fieldPath = ".fastWindowEpochs")
@ValidationRule(value = "!has(self.fastWindowEpochs) || !has(self.schedule) || self.schedule == 'Adaptive'",
    message = "fastWindowEpochs and slowWindowEpochs are only allowed with schedule Adaptive", fieldPath = ".fastWindowEpochs")
public class ReLASpec {

  /** Fraction of the data drawn per epoch. */
  @Default("1.0")
  @Min(value = 0, inclusive = false)
  @Max(1)
  @JsonPropertyDescription("Fraction r of the dataset drawn at random (without replacement) at the start of every epoch, 0 < r <= 1. Each epoch costs r of a full one.")
  public Double dataRatio;

  /** Switch rule. */
  @Default("Adaptive")
  @JsonPropertyDescription("When to switch from the ReLA phase to BYOL: Adaptive (when the phase-A loss plateaus, rho >= rhoThreshold), Constant (after floor(constantFraction * epochs) epochs), None (BYOL only).")
  public Schedule schedule;

  /** ReLA fraction of the epochs under Constant. */
  @Min(0)
  @Max(1)
  @JsonPropertyDescription("Under schedule Constant, the fraction c of epochs spent in the ReLA phase.")
  public Double constantFraction;

  /** Adaptive threshold. */
  @Default("0.995")
  @Min(0)
  @Max(1)
  @JsonPropertyDescription("Under schedule Adaptive, switch once rho = exp(-max(L_slow - L_fast, 0)) reaches this value.")
  public Double rhoThreshold;

  /** Decay of the fast loss average. */
  @Default("0.999")
  @Min(0)
  @Max(value = 1, inclusive = false)
  @JsonPropertyDescription("Under schedule Adaptive, decay of the fast average: L_fast <- fastDecay * L_fast + (1 - fastDecay) * loss. Its window is about 1 / (1 - fastDecay) steps; lower it for runs of a few hundred steps.")
  public Double fastDecay;

  /** Decay of the slow loss average. */
  @Default("0.99")
  @Min(0)
  @Max(value = 1, inclusive = false)
  @JsonPropertyDescription("Under schedule Adaptive, decay of the slow average: L_slow <- slowDecay * L_slow + (1 - slowDecay) * L_fast.")
  public Double slowDecay;

  /** Window of the fast loss average, in full-data epochs. */
  @Min(value = 0, inclusive = false)
  @Max(1000)
  @JsonPropertyDescription("Under schedule Adaptive, the fast average's window in full-data epochs instead of fastDecay: fastDecay becomes 1 - 1 / (fastWindowEpochs x floor(images / batchSize)). The unit does not shrink with dataRatio, so the rule switches at the same step on the same loss curve at every ratio. Set together with slowWindowEpochs (the reference's windows are 10:1); for runs too short for the reference's windows of about 1,000 and 100 steps.")
  public Double fastWindowEpochs;

  /** Window of the slow loss average, in full-data epochs. */
  @Min(value = 0, inclusive = false)
  @Max(1000)
  @JsonPropertyDescription("Under schedule Adaptive, the slow average's window in full-data epochs instead of slowDecay: slowDecay becomes 1 - 1 / (slowWindowEpochs x floor(images / batchSize)). Set together with fastWindowEpochs.")
  public Double slowWindowEpochs;

  /** Target dimension. */
  @Min(1)
  @JsonPropertyDescription("Number k of principal components kept as targets. Defaults to min(student feature width, prior dimension).")
  public Integer targetDim;

  /** Train the transfer layer. */
  @Default("false")
  @JsonPropertyDescription("Put the transfer layer (features -> targets) in the optimiser. The reference keeps it a fixed random map.")
  public Boolean trainTransfer;
}
