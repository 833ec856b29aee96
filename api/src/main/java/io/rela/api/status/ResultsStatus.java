package io.rela.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** Results of a finished run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ResultsStatus {

  @JsonPropertyDescription("Top-1 accuracy of a linear classifier on frozen features, on the test split (0-1).")
  public Double linearProbeAccuracy;

  @JsonPropertyDescription("Linear-probe accuracy of a randomly initialised backbone of the same architecture (0-1).")
  public Double randomBaselineAccuracy;

  @JsonPropertyDescription("Weighted kNN accuracy (cosine, k and temperature from spec.evaluation) on the test split (0-1).")
  public Double knnAccuracy;

  @JsonPropertyDescription("kNN accuracy of the untrained backbone (0-1).")
  public Double randomBaselineKnnAccuracy;

  @JsonPropertyDescription("Folder in the workspace holding the exported backbone: backbone.safetensors (torchvision parameter names) and backbone.json (architecture and preprocessing).")
  public String backboneExport;

  @JsonPropertyDescription("Path of the final checkpoint in the workspace.")
  public String checkpoint;

  @JsonPropertyDescription("Training samples processed (epochs x r x N).")
  public Long samplesProcessed;

  @JsonPropertyDescription("samplesProcessed / N: the cost in full-data epochs.")
  public Double fullDataEquivalentEpochs;

  @JsonPropertyDescription("The export pushed as an OCI image (spec.export.image): <registry>/<repository>@sha256:<digest>.")
  public String modelImage;

  @JsonPropertyDescription("The MLflow run of this job (spec.tracking.mlflow).")
  public String mlflowRunId;

  @Override
  public boolean equals(Object o) {
    return o instanceof ResultsStatus r && Objects.equals(linearProbeAccuracy, r.linearProbeAccuracy)
        && Objects.equals(randomBaselineAccuracy, r.randomBaselineAccuracy)
        && Objects.equals(knnAccuracy, r.knnAccuracy) && Objects.equals(randomBaselineKnnAccuracy, r.randomBaselineKnnAccuracy)
        && Objects.equals(backboneExport, r.backboneExport)
        && Objects.equals(checkpoint, r.checkpoint) && Objects.equals(samplesProcessed, r.samplesProcessed)
        && Objects.equals(fullDataEquivalentEpochs, r.fullDataEquivalentEpochs) && Objects.equals(mlflowRunId, r.mlflowRunId)
        && Objects.equals(modelImage, r.modelImage);
  }

  @Override
  public int hashCode() {
    return Objects.hash(linearProbeAccuracy, checkpoint, samplesProcessed);
  }
}
