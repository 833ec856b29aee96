package io.rela.trainer.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.rela.trainer.data.ImageDataset;
import io.rela.trainer.data.Preprocess;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Frozen features of a labelled split: N rows of dimension d (row-major, 64-bit offsets) and
 * their labels. What both the linear probe and the kNN classifier read.
 *
 * @param x features, N x d
 * @param y labels
 * @param d feature dimension
 */
public record Features(float[] x, int[] y, int d) {

  private static final int BATCH = 256;

  public int n() {
    return y.length;
  }

  /** Backbone features (eval mode: BatchNorm running statistics) of every sample of {@code data}. */
  public static Features of(NDManager parent, Block backbone, ImageDataset data, Preprocess pre, int dim) {
    float[] out = new float[Math.multiplyExact(data.size(), dim)];
    int[] labels = new int[data.size()];
    ParameterStore store = new ParameterStore(parent, false);
    for (int from = 0; from < data.size(); from += BATCH) {
      int n = Math.min(BATCH, data.size() - from);
      try (NDManager m = parent.newSubManager()) {
        NDArray x = m.create(pre.batch(data, from, n), new Shape(n, pre.channels(), pre.size(), pre.size()));
        NDArray f = backbone.forward(store, new NDList(x), false).singletonOrThrow();
        System.arraycopy(f.toFloatArray(), 0, out, (int) ((long) from * dim), n * dim);
      }
      for (int i = 0; i < n; i++) {
        labels[from + i] = data.label(from + i);
      }
    }
    return new Features(out, labels, dim);
  }

  /** Both splits standardised with {@code train}'s per-dimension mean and (unbiased) std. */
  public static Features[] standardized(Features train, Features test) {
    int d = train.d;
    long n = train.n();
    double[] mean = new double[d];
    double[] var = new double[d];
    for (long i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        mean[j] += train.x[(int) (i * d + j)];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= n;
    }
    for (long i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        double dv = train.x[(int) (i * d + j)] - mean[j];
        var[j] += dv * dv;
      }
    }
    double[] inv = new double[d];
    for (int j = 0; j < d; j++) {
      double std = Math.sqrt(var[j] / Math.max(1, n - 1));
      inv[j] = std > 1e-8 ? 1 / std : 0;
    }
    Features[] out = new Features[2];
    Features[] in = {train, test};
    for (int s = 0; s < 2; s++) {
      float[] f = in[s].x.clone();
      for (int i = 0; i < f.length; i++) {
        int j = i % d;
        f[i] = (float) ((f[i] - mean[j]) * inv[j]);
      }
      out[s] = new Features(f, in[s].y, d);
    }
    return out;
  }

  /** Writes int32 n and d, the n x d float32 features and the n int32 labels, all big-endian (numpy '>f4', '>i4'). */
  public void write(Path file) throws IOException {
    try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(file)))) {
      out.writeInt(n());
      out.writeInt(d);
      for (float v : x) {
        out.writeFloat(v);
      }
      for (int l : y) {
        out.writeInt(l);
      }
    }
  }

  public static Features read(Path file) throws IOException {
    try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
      int n = in.readInt();
      int d = in.readInt();
      float[] x = new float[Math.multiplyExact(n, d)];
      for (int i = 0; i < x.length; i++) {
        x[i] = in.readFloat();
      }
      int[] y = new int[n];
      for (int i = 0; i < n; i++) {
        y[i] = in.readInt();
      }
      return new Features(x, y, d);
    }
  }
}
