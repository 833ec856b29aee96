package io.rela.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** Training progress, copied from the trainer's progress report. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProgressStatus {

  @JsonPropertyDescription("Epochs completed.")
  public Integer epoch;

  @JsonPropertyDescription("Epochs in the run.")
  public Integer totalEpochs;

  @JsonPropertyDescription("epoch/totalEpochs, for display.")
  public String epochOfTotal;

  @JsonPropertyDescription("Training phase in force: ReLA (learning the prior's targets) or BYOL.")
  public String phase;

  @JsonPropertyDescription("Epoch at which training switched from ReLA to BYOL, once it has.")
  public Integer switchedAtEpoch;

  @JsonPropertyDescription("Fraction of the dataset drawn this epoch.")
  public Double subsetRatio;

  @JsonPropertyDescription("Samples processed so far.")
  public Long samplesSeen;

  @JsonPropertyDescription("Latest training loss.")
  public Double loss;

  @JsonPropertyDescription("Plateau measure of the Adaptive switch rule, exp(-max(L_slow - L_fast, 0)).")
  public Double rho;

  @JsonPropertyDescription("Training throughput in images per second.")
  public Double samplesPerSecond;

  @JsonPropertyDescription("Estimated seconds until training ends.")
  public Long etaSeconds;

  @JsonPropertyDescription("When the trainer last reported (RFC 3339).")
  public String updatedAt;

  @JsonPropertyDescription("Unreadable images the trainer skipped so far (decoded as black; only with the skip option). Absent: none.")
  public Integer skippedImages;

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ProgressStatus p)) {
      return false;
    }
    return Objects.equals(epoch, p.epoch) && Objects.equals(totalEpochs, p.totalEpochs)
        && Objects.equals(epochOfTotal, p.epochOfTotal) && Objects.equals(phase, p.phase)
        && Objects.equals(switchedAtEpoch, p.switchedAtEpoch) && Objects.equals(subsetRatio, p.subsetRatio)
        && Objects.equals(samplesSeen, p.samplesSeen) && Objects.equals(loss, p.loss)
        && Objects.equals(rho, p.rho) && Objects.equals(samplesPerSecond, p.samplesPerSecond)
        && Objects.equals(etaSeconds, p.etaSeconds) && Objects.equals(updatedAt, p.updatedAt)
        && Objects.equals(skippedImages, p.skippedImages);
  }

  @Override
  public int hashCode() {
    return Objects.hash(epoch, totalEpochs, phase, samplesSeen, loss, updatedAt);
  }
}
