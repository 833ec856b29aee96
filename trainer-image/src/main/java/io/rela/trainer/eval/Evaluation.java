package io.rela.trainer.eval;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.rela.trainer.checkpoint.Checkpoint;
import io.rela.trainer.config.EvalSettings;
import io.rela.trainer.data.ImageDataset;
import io.rela.trainer.data.Preprocess;
import io.rela.trainer.model.Networks;

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

  /**
   * Both backbones of RELA.md section 7: the trained one (restored from {@code checkpoint} into
   * the architecture) and, when {@code baseline}, the untrained one the student started from
   * (this evaluation's seed). {@code whileLoaded} receives the trained backbone before its arrays are
   * freed (the export).
   *
   * @return the trained backbone's scores, then the untrained one's (null without baseline)
   */
  public Scores[] trainedAndUntrained(NDManager parent, Networks.Architecture arch, Checkpoint.Loaded checkpoint,
      boolean baseline, IoConsumer<Block> whileLoaded) throws java.io.IOException {
    try (NDManager m = parent.newSubManager()) {
      Block trained = Networks.initialBackbone(m, arch, seed);
      checkpoint.restoreBackbone(trained, m);
      Scores mine = score(m, trained);
      Scores untrained = baseline ? score(m, Networks.initialBackbone(m, arch, seed)) : null;
      whileLoaded.accept(trained);
      return new Scores[] {mine, untrained};
    }
  }

  /** A consumer that may fail with an I/O error. */
  public interface IoConsumer<T> {
    void accept(T t) throws java.io.IOException;
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
