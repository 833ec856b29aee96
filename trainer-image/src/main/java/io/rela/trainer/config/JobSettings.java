package io.rela.trainer.config;

import io.rela.api.spec.Backbone;
import io.rela.api.spec.DatasetFormat;
import io.rela.api.spec.PriorType;
import io.rela.api.spec.RandomPriorInit;
import io.rela.api.spec.ReLATrainingJobSpec;
import io.rela.api.spec.Schedule;
import io.rela.trainer.BadInputException;
import io.rela.trainer.data.Datasets;
import io.rela.trainer.data.Normalisation;
import io.rela.trainer.model.Backbones;
import io.rela.trainer.model.Networks;
import io.rela.trainer.rela.SwitchRule;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * A job's spec (schema defaults applied) with the format-dependent defaults resolved and the
 * cross-field rules checked: everything the stages need, with concrete values, in groups that
 * mirror the spec (dataset, prior, model, training, rela, evaluation).
 */
public record JobSettings(String name, Data data, Prior prior, Model model, Training training, Rela rela,
    EvalSettings evaluation, String uid, int gpus, Tracking tracking, Export export) {

  /** spec.export: the image the export is pushed to, or null. */
  public record Export(String image, boolean plainHttp) {}

  /** spec.tracking.mlflow: where the run is reported, or null. */
  public record Tracking(String trackingUri, String experiment) {}

  /** spec.dataset. */
  public record Data(DatasetFormat format, Path trainPath, Path evalPath, int imageSize, int channels) {}

  /** spec.prior. */
  public record Prior(PriorType type, RandomPriorInit randomInit, String uri, int inputSize, int shards, String sha256) {}

  /** spec.model. */
  public record Model(Backbone backbone, boolean cifarStem, int projectionDim, int hiddenDim) {
    public int featureDim() {
      return Backbones.featureDim(backbone);
    }
  }

  /** spec.training. */
  public record Training(int epochs, int batchSize, double learningRate, double weightDecay, double momentum, long seed,
      int checkpointEvery, boolean onlineClassifier, int workers, Integer maxSamples) {}

  /** spec.rela. */
  public record Rela(double dataRatio, Schedule schedule, double constantFraction, double rhoThreshold, double fastDecay,
      double slowDecay, Double fastWindowEpochs, Double slowWindowEpochs, Integer targetDim, boolean trainTransfer) {

  }

  /**
   * Refuses a training set the settings cannot train on: channels other than the spec's (files
   * of a fixed format), fewer samples than a batch, or a subset per epoch smaller than a batch.
   */
  public void requireFits(long samples, int channels) {
    if (channels != data.channels() && data.format() != DatasetFormat.ImageFolder) {
      throw new BadInputException("spec.dataset.channels: " + data.format() + " has " + channels + " channel(s), spec asks for "
          + data.channels());
    }
    if (samples < training.batchSize()) {
      throw new BadInputException("spec.training.batchSize: " + training.batchSize() + " is larger than the " + samples
          + " training samples");
    }
    long perEpoch = (long) Math.floor(samples * rela.dataRatio());
    if (perEpoch < training.batchSize()) {
      throw new BadInputException(String.format(java.util.Locale.ROOT, "spec.rela.dataRatio and spec.training.batchSize:"
          + " an epoch draws floor(N x r) = floor(%d x %s) = %d samples, less than one batch of %d, so no step would run;"
          + " raise dataRatio or lower batchSize", samples, rela.dataRatio(), perEpoch, training.batchSize()));
    }
  }

  /** The student's backbone at the dataset's channels and image size. */
  public Networks.Architecture architecture() {
    return new Networks.Architecture(model.backbone(), model.cifarStem(), data.channels(), data.imageSize());
  }

  /** The mean and standard deviation the student's inputs are normalised with. */
  public Normalisation normalisation() {
    return Datasets.normalisation(data.format(), data.channels());
  }

  /** Steps in an epoch of the subset: floor(N r) images of {@code images}, in whole batches. */
  public long stepsPerEpoch(long images) {
    return (long) Math.floor(images * rela.dataRatio()) / training.batchSize();
  }

  /** Steps in an epoch of all {@code images}: the unit of the Adaptive rule's windows. */
  public long fullDataStepsPerEpoch(long images) {
    return images / training.batchSize();
  }

  /** The Adaptive rule's averages on a training set of {@code images}: the reference decays, or the windows. */
  public SwitchRule.Averages switchAverages(long images) {
    return rela.fastWindowEpochs() == null
        ? new SwitchRule.Averages(rela.rhoThreshold(), rela.fastDecay(), rela.slowDecay())
        : SwitchRule.Averages.perFullDataEpoch(rela.rhoThreshold(), rela.fastWindowEpochs(), rela.slowWindowEpochs(),
            fullDataStepsPerEpoch(images));
  }

  public static JobSettings from(String name, ReLATrainingJobSpec s) {
    return from(name, null, s);
  }

  /**
   * The settings of job {@code name} whose metadata.uid is {@code uid} (null outside a cluster),
   * from a spec the CRD's schema and rules have accepted ({@link JobFiles} checks files).
   */
  public static JobSettings from(String name, String uid, ReLATrainingJobSpec s) {
    // the spec has passed the CRD's schema and CEL rules (the API server's, or SchemaValidator's
    // for a local file): required fields are present and the cross-field rules hold
    DatasetFormat format = s.dataset.format;
    int size = s.dataset.imageSize != null ? s.dataset.imageSize : Datasets.nativeSize(format);
    int channels = s.dataset.channels != null ? s.dataset.channels : Datasets.nativeChannels(format);
    Path train = Paths.get(s.dataset.path);
    Path eval = s.dataset.evalPath != null ? Paths.get(s.dataset.evalPath) : train;
    var p = s.prior;
    boolean fileprior = p.type == PriorType.TorchScript || p.type == PriorType.ONNX;
    var r = s.rela;
    int d = Backbones.featureDim(s.model.backbone);
    int hidden = s.model.hiddenDim != null ? s.model.hiddenDim : 2 * d;
    var t = s.training;
    return new JobSettings(name,
        new Data(format, train, eval, size, channels),
        new Prior(p.type, p.randomInit != null ? p.randomInit : RandomPriorInit.Student, p.uri,
            p.inputSize != null ? p.inputSize : (fileprior ? 224 : size), p.shards, p.sha256),
        new Model(s.model.backbone, s.model.cifarStem, s.model.projectionDim, hidden),
        new Training(t.epochs, t.batchSize, t.learningRate, t.weightDecay, t.momentum, t.seed, t.checkpointEveryEpochs,
            t.onlineClassifier, t.workers, t.maxSamples),
        new Rela(r.dataRatio, r.schedule, r.constantFraction != null ? r.constantFraction : 0.0, r.rhoThreshold,
            r.fastDecay, r.slowDecay, r.fastWindowEpochs, r.slowWindowEpochs, r.targetDim, r.trainTransfer),
        EvalSettings.from(s.evaluation), uid,
        s.resources != null && s.resources.gpus != null ? s.resources.gpus : 0,
        s.tracking != null && s.tracking.mlflow != null
            ? new Tracking(s.tracking.mlflow.trackingUri, s.tracking.mlflow.experiment) : null,
        s.export != null && s.export.image != null ? new Export(s.export.image, Boolean.TRUE.equals(s.export.plainHttp)) : null);
  }
}
