package io.rela.trainer.config;

import io.rela.api.spec.EvaluationSpec;

/**
 * How the frozen backbone is evaluated (spec.evaluation, defaults applied): the linear probe's
 * protocol and the kNN classifier's k and temperature.
 *
 * @param probeEpochs epochs of the linear classifier
 * @param probeLearningRate Adam learning rate
 * @param probeBatchSize mini-batch size
 * @param averagedEpochs the reported accuracy is the mean over this many last epochs
 * @param standardize standardise features with the train split's statistics first
 * @param knnK neighbours of the kNN vote
 * @param knnTemperature temperature of the kNN vote weights
 * @param maxSamples evaluate on at most this many train and test samples (null: all)
 * @param randomBaseline also evaluate the untrained backbone
 */
public record EvalSettings(int probeEpochs, double probeLearningRate, int probeBatchSize, int averagedEpochs,
    boolean standardize, int knnK, double knnTemperature, Integer maxSamples, boolean randomBaseline) {

  /** The reference protocol (LINs-lab/ReLA metrics/lineareval.py) and the common kNN settings. */
  public static EvalSettings reference() {
    return new EvalSettings(100, 3e-4, 128, 3, false, 20, 0.07, null, true);
  }

  static EvalSettings from(EvaluationSpec e) {
    EvalSettings d = reference();
    return new EvalSettings(
        or(e.linearProbeEpochs, d.probeEpochs), or(e.linearProbeLearningRate, d.probeLearningRate),
        or(e.linearProbeBatchSize, d.probeBatchSize), or(e.linearProbeAveragedEpochs, d.averagedEpochs),
        or(e.standardizeFeatures, d.standardize), or(e.knnK, d.knnK), or(e.knnTemperature, d.knnTemperature),
        e.maxSamples, or(e.randomBaseline, d.randomBaseline));
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
