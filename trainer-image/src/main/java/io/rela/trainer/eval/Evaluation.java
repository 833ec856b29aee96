package io.rela.trainer.eval;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.rela.trainer.config.EvalSettings;
import io.rela.trainer.data.ImageDataset;
import io.rela.trainer.data.Preprocess;

/**
 * Evaluates one frozen backbone: features of the labelled train and test splits with
 * deterministic preprocessing, then the linear probe and the kNN classifier on them.
 */
public final class Evaluation {

  /**
   * Both numbers for one backbone.
   *
   * @param probe linear-probe result (mean of the last epochs and each of them)
   * @param knn weighted kNN top-1 accuracy
   */
  public record Scores(LinearProbe.Result probe, double knn) {}

  private final EvalSettings settings;
  private final ImageDataset train;
  private final ImageDataset test;
  private final Preprocess preprocess;
  private final int featureDim;
  private final long seed;

  public Evaluation(EvalSettings settings, ImageDataset train, ImageDataset test, Preprocess preprocess, int featureDim,
      long seed) {
    this.settings = settings;
    this.train = train;
    this.test = test;
    this.preprocess = preprocess;
    this.featureDim = featureDim;
    this.seed = seed;
  }

  public Scores score(NDManager parent, Block backbone) {
    try (NDManager m = parent.newSubManager()) {
      Features ftrain = Features.of(m, backbone, train, preprocess, featureDim);
      Features ftest = Features.of(m, backbone, test, preprocess, featureDim);
      int classes = train.numClasses();
      LinearProbe.Result probe = LinearProbe.run(ftrain, ftest, classes, settings, seed);
      double knn = KnnClassifier.accuracy(m, ftrain, ftest, classes, settings.knnK(), settings.knnTemperature());
      return new Scores(probe, knn);
    }
  }
}
