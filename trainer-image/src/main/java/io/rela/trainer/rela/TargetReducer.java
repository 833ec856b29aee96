package io.rela.trainer.rela;

import java.io.IOException;

/**
 * Turns the prior's embeddings Y (N x d) into the fixed target table T (N x k): centre, PCA
 * through the covariance, projection on the k leading eigenvectors, and standardisation of
 * every column to mean 0 and std 1. Y is streamed twice (moments, then projection), never held
 * whole; T is a {@link FloatTable} with 64-bit row indices.
 */
public final class TargetReducer {

  private TargetReducer() {}

  /** The result: T, and the eigenvalues kept (for reporting). */
  public record Targets(FloatTable table, double[] eigenvalues) {
    public long n() {
      return table.n();
    }

    public int k() {
      return table.k();
    }

    /** A ready table (benchmarks, tests): n x k rows, no eigenvalues. */
    public static Targets of(float[] rows, int k) {
      return new Targets(FloatTable.of(rows, k), new double[0]);
    }

    /** No targets: the plain-BYOL schedule never reads them. */
    public static Targets none(int k) {
      return new Targets(new FloatTable(0, k), new double[0]);
    }
  }

  /** The sample mean and the unbiased covariance of Y. */
  record Moments(double[] mean, double[][] cov) {}

  public static Targets reduce(float[] y, int n, int d, int k) {
    try {
      return reduce(RowBlocks.of(y, n, d), k);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Targets reduce(RowBlocks y, int k) throws IOException {
    return reduce(y, k, FloatTable.defaultRowsPerChunk(k));
  }

  /** As {@link #reduce(RowBlocks, int)}, T held in chunks of {@code rowsPerChunk} rows. */
  public static Targets reduce(RowBlocks y, int k, int rowsPerChunk) throws IOException {
    int d = y.d();
    long n = y.n();
    if (k < 1 || k > d) {
      throw new IllegalArgumentException("target dimension k must be in [1, " + d + "], got " + k);
    }
    if (n < 2) {
      throw new IllegalArgumentException("need at least 2 samples for PCA, got " + n);
    }
    Moments mo = moments(y);
    double[][][] eig = Jacobi.eigh(mo.cov);
    double[][] vectors = eig[1];
    double[] values = java.util.Arrays.copyOf(eig[0][0], k);
    // the k leading eigenvectors as rows, for a contiguous inner loop
    double[][] vk = new double[k][d];
    for (int c = 0; c < k; c++) {
      for (int j = 0; j < d; j++) {
        vk[c][j] = vectors[j][c];
      }
    }
    FloatTable t = new FloatTable(n, k, rowsPerChunk);
    double[] colSum = new double[k];
    double[] colSq = new double[k];
    double[] mean = mo.mean;
    y.forEach((first, rows, count) -> {
      double[] centred = new double[d];
      float[] out = new float[k];
      for (int i = 0; i < count; i++) {
        int off = i * d;
        for (int j = 0; j < d; j++) {
          centred[j] = rows[off + j] - mean[j];
        }
        for (int c = 0; c < k; c++) {
          double acc = 0;
          double[] v = vk[c];
          for (int j = 0; j < d; j++) {
            acc += centred[j] * v[j];
          }
          out[c] = (float) acc;
          colSum[c] += acc;
          colSq[c] += acc * acc;
        }
        t.setRow(first + i, out, 0);
      }
    });
    standardise(t, colSum, colSq);
    return new Targets(t, values);
  }

  /**
   * Mean and covariance in one pass: the sums of Y and of Y^T Y (upper triangle, in double),
   * then C = (Y^T Y - N mean mean^T) / (N - 1).
   */
  static Moments moments(RowBlocks y) throws IOException {
    int d = y.d();
    long n = y.n();
    double[] sum = new double[d];
    double[][] yty = new double[d][d];
    long[] seen = {0};
    y.forEach((first, rows, count) -> {
      double[] row = new double[d];
      for (int i = 0; i < count; i++) {
        for (int j = 0; j < d; j++) {
          row[j] = rows[i * d + j];
          sum[j] += row[j];
        }
        for (int a = 0; a < d; a++) {
          double ra = row[a];
          double[] ca = yty[a];
          for (int b = a; b < d; b++) {
            ca[b] += ra * row[b];
          }
        }
      }
      seen[0] += count;
    });
    if (seen[0] != n) {
      throw new IllegalStateException("the embeddings held " + seen[0] + " rows, expected " + n);
    }
    double[] mean = new double[d];
    for (int j = 0; j < d; j++) {
      mean[j] = sum[j] / n;
    }
    double[][] cov = new double[d][d];
    for (int a = 0; a < d; a++) {
      for (int b = a; b < d; b++) {
        cov[a][b] = (yty[a][b] - n * mean[a] * mean[b]) / (n - 1);
        cov[b][a] = cov[a][b];
      }
    }
    return new Moments(mean, cov);
  }

  /** Every column to mean 0, unbiased std 1 (a constant column stays 0). */
  static void standardise(FloatTable t, double[] colSum, double[] colSq) {
    long n = t.n();
    int k = t.k();
    double[] m = new double[k];
    double[] inv = new double[k];
    for (int c = 0; c < k; c++) {
      m[c] = colSum[c] / n;
      double var = Math.max(0, (colSq[c] - n * m[c] * m[c]) / (n - 1));
      double std = Math.sqrt(var);
      inv[c] = std > 1e-12 ? 1 / std : 0;
    }
    for (long i = 0; i < n; i++) {
      for (int c = 0; c < k; c++) {
        t.set(i, c, (float) ((t.get(i, c) - m[c]) * inv[c]));
      }
    }
  }
}
