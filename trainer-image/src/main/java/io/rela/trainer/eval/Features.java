package io.rela.trainer.eval;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.rela.trainer.data.ImageDataset;
import io.rela.trainer.data.Preprocess;
import io.rela.trainer.model.BatchedForward;
import io.rela.trainer.rela.FloatTable;

/**
 * Frozen features of a labelled split: N rows of dimension d in a {@link FloatTable} (64-bit
 * row indices: ImageNet's 1.28 M x 2048 ResNet-50 features exceed one Java array) and their
 * labels. What both the linear probe and the kNN classifier read.
 *
 * @param x features, N x d
 * @param y labels
 */
public record Features(FloatTable x, int[] y) {

  private static final int BATCH = 256;

  /** Small feature sets given as one row-major array (tests). */
  public Features(float[] rows, int[] labels, int d) {
    this(FloatTable.of(rows, d), labels);
  }

  public int n() {
    return y.length;
  }

  public int d() {
    return x.k();
  }

  /** Backbone features (eval mode: BatchNorm running statistics) of every sample of {@code data}. */
  public static Features of(NDManager parent, Block backbone, ImageDataset data, Preprocess pre, int dim) {
    FloatTable out = new FloatTable(data.size(), dim);
    int[] labels = new int[data.size()];
    ParameterStore store = new ParameterStore(parent, false);
    try {
      BatchedForward.run(parent, data, pre, 0, data.size(), BATCH,
          x -> backbone.forward(store, new NDList(x), false).singletonOrThrow(), (first, rows, n, d) -> {
            for (int i = 0; i < n; i++) {
              out.setRow(first + i, rows, i * d);
              labels[(int) first + i] = data.label((int) first + i);
            }
          });
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return new Features(out, labels);
  }

  /** Both splits standardised with {@code train}'s per-dimension mean and (unbiased) std. */
  public static Features[] standardized(Features train, Features test) {
    int d = train.d();
    long n = train.n();
    double[] mean = new double[d];
    double[] sq = new double[d];
    float[] row = new float[d];
    for (long i = 0; i < n; i++) {
      train.x.copyRow(i, row, 0);
      for (int j = 0; j < d; j++) {
        mean[j] += row[j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= n;
    }
    for (long i = 0; i < n; i++) {
      train.x.copyRow(i, row, 0);
      for (int j = 0; j < d; j++) {
        double dv = row[j] - mean[j];
        sq[j] += dv * dv;
      }
    }
    double[] inv = new double[d];
    for (int j = 0; j < d; j++) {
      double std = Math.sqrt(sq[j] / Math.max(1, n - 1));
      inv[j] = std > 1e-8 ? 1 / std : 0;
    }
    Features[] out = new Features[2];
    Features[] in = {train, test};
    for (int s = 0; s < 2; s++) {
      FloatTable t = new FloatTable(in[s].n(), d);
      for (long i = 0; i < in[s].n(); i++) {
        in[s].x.copyRow(i, row, 0);
        for (int j = 0; j < d; j++) {
          row[j] = (float) ((row[j] - mean[j]) * inv[j]);
        }
        t.setRow(i, row, 0);
      }
      out[s] = new Features(t, in[s].y);
    }
    return out;
  }

  /** The features as one row-major array, for small sets handed to other tools. */
  public float[] toArray() {
    float[] a = new float[Math.multiplyExact(n(), d())];
    for (int i = 0; i < n(); i++) {
      x.copyRow(i, a, i * d());
    }
    return a;
  }
}
