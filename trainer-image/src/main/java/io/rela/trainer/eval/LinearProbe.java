package io.rela.trainer.eval;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.rela.trainer.data.ImageDataset;
import io.rela.trainer.data.Preprocess;
import io.rela.trainer.model.Heads;
import io.rela.trainer.optim.AdamW;
import io.rela.trainer.rela.Losses;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The paper's evaluation: freeze the backbone, compute features of the labelled train and test
 * splits with deterministic preprocessing, train a linear classifier on the train features,
 * report top-1 accuracy on the test split.
 */
public final class LinearProbe {

  private static final int FEATURE_BATCH = 256;
  private static final int PROBE_BATCH = 256;
  private static final double PROBE_LR = 1e-2;

  private LinearProbe() {}

  public static double accuracy(NDManager parent, Block backbone, int featureDim, ImageDataset train, ImageDataset test,
      Preprocess pre, int epochs, long seed) {
    try (NDManager m = parent.newSubManager()) {
      ParameterStore store = new ParameterStore(m, false);
      float[] ftrain = features(m, store, backbone, train, pre, featureDim);
      float[] ftest = features(m, store, backbone, test, pre, featureDim);
      standardise(ftrain, ftest, featureDim);
      return fitAndScore(m, ftrain, labels(train), ftest, labels(test), featureDim, train.numClasses(), epochs, seed);
    }
  }

  static int[] labels(ImageDataset d) {
    int[] l = new int[d.size()];
    for (int i = 0; i < l.length; i++) {
      l[i] = d.label(i);
    }
    return l;
  }

  /** Backbone features (eval mode: BatchNorm running statistics) of every sample, N x D row-major. */
  public static float[] features(NDManager parent, ParameterStore store, Block backbone, ImageDataset data, Preprocess pre,
      int dim) {
    float[] out = new float[data.size() * dim];
    int stride = pre.channels() * pre.size() * pre.size();
    for (int from = 0; from < data.size(); from += FEATURE_BATCH) {
      int n = Math.min(FEATURE_BATCH, data.size() - from);
      try (NDManager m = parent.newSubManager()) {
        NDArray x = m.create(pre.batch(data, from, n), new Shape(n, pre.channels(), pre.size(), pre.size()));
        NDArray f = backbone.forward(store, new NDList(x), false).singletonOrThrow();
        System.arraycopy(f.toFloatArray(), 0, out, from * dim, n * dim);
      }
    }
    if (stride == 0) {
      throw new IllegalStateException("empty preprocessing");
    }
    return out;
  }

  /** Standardises both feature sets with the train split's per-dimension mean and std. */
  static void standardise(float[] train, float[] test, int d) {
    int n = train.length / d;
    double[] mean = new double[d];
    double[] var = new double[d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        mean[j] += train[i * d + j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= n;
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        double dv = train[i * d + j] - mean[j];
        var[j] += dv * dv;
      }
    }
    float[] inv = new float[d];
    for (int j = 0; j < d; j++) {
      double std = Math.sqrt(var[j] / Math.max(1, n - 1));
      inv[j] = std > 1e-8 ? (float) (1 / std) : 0f;
    }
    for (float[] f : new float[][] {train, test}) {
      for (int i = 0; i < f.length / d; i++) {
        for (int j = 0; j < d; j++) {
          f[i * d + j] = (float) ((f[i * d + j] - mean[j]) * inv[j]);
        }
      }
    }
  }

  /** Softmax regression with AdamW on the train features; top-1 accuracy on the test features. */
  public static double fitAndScore(NDManager parent, float[] xtrain, int[] ytrain, float[] xtest, int[] ytest, int d,
      int classes, int epochs, long seed) {
    try (NDManager m = parent.newSubManager()) {
      Engine.getInstance().setRandomSeed((int) seed);
      Block linear = Heads.linear(classes);
      linear.initialize(m, DataType.FLOAT32, new Shape(1, d));
      ParameterStore store = new ParameterStore(m, false);
      Map<String, Parameter> params = new LinkedHashMap<>();
      linear.getParameters().forEach(p -> params.put(p.getKey(), p.getValue()));
      AdamW opt = new AdamW(m, PROBE_LR, 0.0);
      int n = ytrain.length;
      int[] order = new int[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      SplittableRandom rnd = new SplittableRandom(seed);
      for (int e = 0; e < epochs; e++) {
        for (int i = n - 1; i > 0; i--) {
          int j = rnd.nextInt(i + 1);
          int t = order[i];
          order[i] = order[j];
          order[j] = t;
        }
        for (int from = 0; from < n; from += PROBE_BATCH) {
          int b = Math.min(PROBE_BATCH, n - from);
          float[] xb = new float[b * d];
          int[] yb = new int[b];
          for (int i = 0; i < b; i++) {
            System.arraycopy(xtrain, order[from + i] * d, xb, i * d, d);
            yb[i] = ytrain[order[from + i]];
          }
          try (NDManager sm = m.newSubManager()) {
            NDArray x = sm.create(xb, new Shape(b, d));
            NDArray y = sm.create(yb);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
              NDArray logits = linear.forward(store, new NDList(x), true).singletonOrThrow();
              gc.backward(Losses.crossEntropy(logits, y, classes));
            }
            opt.step(params);
          }
        }
      }
      int nt = ytest.length;
      long hits = 0;
      for (int from = 0; from < nt; from += PROBE_BATCH) {
        int b = Math.min(PROBE_BATCH, nt - from);
        try (NDManager sm = m.newSubManager()) {
          float[] xb = new float[b * d];
          System.arraycopy(xtest, from * d, xb, 0, b * d);
          NDArray logits = linear.forward(store, new NDList(sm.create(xb, new Shape(b, d))), false).singletonOrThrow();
          long[] pred = logits.argMax(1).toLongArray();
          for (int i = 0; i < b; i++) {
            if (pred[i] == ytest[from + i]) {
              hits++;
            }
          }
        }
      }
      opt.close();
      return (double) hits / nt;
    }
  }
}
