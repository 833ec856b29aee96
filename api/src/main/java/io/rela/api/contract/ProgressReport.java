package io.rela.api.contract;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the trainer reports about a run: written as JSON to the {@code <job>-progress}
 * ConfigMap (key {@link #CONFIG_MAP_KEY}), to the JSON-lines log and the console. The
 * operator maps it into {@code status.progress}, {@code status.prior} and {@code status.results}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class ProgressReport {

  public static final String CONFIG_MAP_KEY = "progress.json";

  /** What the trainer is doing. */
  public TrainerStage stage;
  public Integer epoch;
  public Integer totalEpochs;
  public TrainingPhase phase;
  public Integer switchedAtEpoch;
  public Long switchedAtStep;
  public Double subsetRatio;
  public Long step;
  public Long samplesSeen;
  public Double loss;
  public Double rho;
  public Double samplesPerSecond;
  public Long etaSeconds;
  public String updatedAt;
  /** Whether this report closes an epoch (the sinks flush on it). */
  public Boolean epochEnd;
  /** Online classifier accuracy on the epoch's training samples, when enabled. */
  public Double onlineAccuracy;
  /** Unreadable images skipped so far (decoded as black), with --skip-unreadable-images. */
  public Integer skippedImages;

  public String priorCacheKey;
  public Integer priorDimension;
  public Long priorSamples;
  public Boolean priorReused;

  public Double linearProbeAccuracy;
  public Double randomBaselineAccuracy;
  public Double knnAccuracy;
  public Double randomBaselineKnnAccuracy;
  /** Folder of the exported backbone (safetensors + preprocessing JSON). */
  public String backboneExport;
  public String checkpoint;
  public Long samplesProcessed;
  public Double fullDataEquivalentEpochs;

  /** The export pushed as an OCI image (spec.export.image), as <registry>/<repository>@sha256:<digest>. */
  public String modelImage;

  /** The MLflow run this job reports to (spec.tracking.mlflow), once the trainer has one. */
  public String mlflowRunId;
  /** Why the tracker cannot be written to right now (it is retried); null when it can. */
  public String trackingError;

  public ProgressReport copy() {
    ProgressReport r = new ProgressReport();
    r.stage = stage;
    r.epoch = epoch;
    r.totalEpochs = totalEpochs;
    r.phase = phase;
    r.switchedAtEpoch = switchedAtEpoch;
    r.switchedAtStep = switchedAtStep;
    r.subsetRatio = subsetRatio;
    r.step = step;
    r.samplesSeen = samplesSeen;
    r.loss = loss;
    r.rho = rho;
    r.samplesPerSecond = samplesPerSecond;
    r.etaSeconds = etaSeconds;
    r.updatedAt = updatedAt;
    r.epochEnd = epochEnd;
    r.onlineAccuracy = onlineAccuracy;
    r.skippedImages = skippedImages;
    r.priorCacheKey = priorCacheKey;
    r.priorDimension = priorDimension;
    r.priorSamples = priorSamples;
    r.priorReused = priorReused;
    r.linearProbeAccuracy = linearProbeAccuracy;
    r.randomBaselineAccuracy = randomBaselineAccuracy;
    r.knnAccuracy = knnAccuracy;
    r.randomBaselineKnnAccuracy = randomBaselineKnnAccuracy;
    r.backboneExport = backboneExport;
    r.checkpoint = checkpoint;
    r.samplesProcessed = samplesProcessed;
    r.fullDataEquivalentEpochs = fullDataEquivalentEpochs;
    r.modelImage = modelImage;
    r.mlflowRunId = mlflowRunId;
    r.trackingError = trackingError;
    return r;
  }
}
