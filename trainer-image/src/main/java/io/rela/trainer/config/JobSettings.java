package io.rela.trainer.config;

import io.rela.api.spec.Backbone;
import io.rela.api.spec.DatasetFormat;
import io.rela.api.spec.PriorType;
import io.rela.api.spec.RandomPriorInit;
import io.rela.api.spec.ReLATrainingJobSpec;
import io.rela.api.spec.Schedule;
import io.rela.trainer.BadInputException;
import io.rela.trainer.data.Datasets;
import io.rela.trainer.model.Backbones;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * A job's spec (schema defaults applied) with the format-dependent defaults resolved and the
 * cross-field rules checked: everything the stages need, with concrete values.
 */
public record JobSettings(
    String name,
    DatasetFormat format, Path trainPath, Path evalPath, int imageSize, int channels,
    PriorType priorType, RandomPriorInit randomInit, String priorUri, int priorInputSize, int shards,
    Backbone backbone, boolean cifarStem, int projectionDim, int hiddenDim,
    int epochs, int batchSize, double learningRate, double weightDecay, double momentum, long seed,
    int checkpointEvery, boolean onlineClassifier, int workers, Integer maxSamples,
    double dataRatio, Schedule schedule, double constantFraction, double rhoThreshold,
    double fastDecay, double slowDecay, Integer targetDim,
    boolean trainTransfer,
    EvalSettings evaluation) {

  public static JobSettings from(String name, ReLATrainingJobSpec s) {
    if (s.dataset == null || s.dataset.format == null || s.dataset.path == null) {
      throw new BadInputException("spec.dataset.format and spec.dataset.path are required");
    }
    DatasetFormat format = s.dataset.format;
    int size = s.dataset.imageSize != null ? s.dataset.imageSize : Datasets.nativeSize(format);
    int channels = s.dataset.channels != null ? s.dataset.channels : Datasets.nativeChannels(format);
    Path train = Paths.get(s.dataset.path);
    Path eval = s.dataset.evalPath != null ? Paths.get(s.dataset.evalPath) : train;
    var p = s.prior;
    if (p.type == PriorType.Job && p.jobRef == null) {
      throw new BadInputException("spec.prior.jobRef: type Job requires jobRef");
    }
    if ((p.type == PriorType.TorchScript || p.type == PriorType.ONNX) && (p.uri == null || p.uri.isBlank())) {
      throw new BadInputException("spec.prior.uri: required for a " + p.type + " prior");
    }
    var r = s.rela;
    if (r.schedule == Schedule.Constant && r.constantFraction == null) {
      throw new BadInputException("spec.rela.constantFraction: schedule Constant requires constantFraction");
    }
    if (r.schedule != Schedule.Constant && r.constantFraction != null) {
      throw new BadInputException("spec.rela.constantFraction: only allowed with schedule Constant");
    }
    int d = Backbones.featureDim(s.model.backbone);
    int hidden = s.model.hiddenDim != null ? s.model.hiddenDim : 2 * d;
    return new JobSettings(name,
        format, train, eval, size, channels,
        p.type, p.randomInit != null ? p.randomInit : RandomPriorInit.Student, p.uri, p.inputSize != null ? p.inputSize : (p.type == PriorType.TorchScript || p.type == PriorType.ONNX ? 224 : size),
        p.shards,
        s.model.backbone, s.model.cifarStem, s.model.projectionDim, hidden,
        s.training.epochs, s.training.batchSize, s.training.learningRate, s.training.weightDecay,
        s.training.momentum, s.training.seed, s.training.checkpointEveryEpochs, s.training.onlineClassifier,
        s.training.workers, s.training.maxSamples,
        r.dataRatio, r.schedule, r.constantFraction != null ? r.constantFraction : 0.0, r.rhoThreshold,
        r.fastDecay, r.slowDecay, r.targetDim,
        r.trainTransfer,
        EvalSettings.from(s.evaluation));
  }

  public int featureDim() {
    return Backbones.featureDim(backbone);
  }
}
