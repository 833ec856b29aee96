package io.rela.trainer.rela;

/**
 * Turns the prior's embeddings Y (N x d) into the fixed target table T (N x k): centre, PCA
 * through the covariance accumulated in row blocks (so N can be large), projection on the k
 * leading eigenvectors, and standardisation of every column to mean 0 and std 1.
 */
public final class TargetReducer {

  private static final int BLOCK = 4096;

  private TargetReducer() {}

  /** The result: T row-major, and the eigenvalues kept (for reporting). */
  public record Targets(float[] table, int n, int k, double[] eigenvalues) {
    public float[] row(int i) {
      float[] r = new float[k];
      System.arraycopy(table, i * k, r, 0, k);
      return r;
    }
  }

  public static Targets reduce(float[] y, int n, int d, int k) {
    if (k < 1 || k > d) {
      throw new IllegalArgumentException("target dimension k must be in [1, " + d + "], got " + k);
    }
    if (n < 2) {
      throw new IllegalArgumentException("need at least 2 samples for PCA, got " + n);
    }
    double[] mean = new double[d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        mean[j] += y[i * d + j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= n;
    }
    double[][] cov = covariance(y, n, d, mean);
    double[][][] eig = Jacobi.eigh(cov);
    double[][] vectors = eig[1];
    double[] values = java.util.Arrays.copyOf(eig[0][0], k);

    double[] t = new double[n * k];
    double[] centred = new double[d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        centred[j] = y[i * d + j] - mean[j];
      }
      for (int c = 0; c < k; c++) {
        double acc = 0;
        for (int j = 0; j < d; j++) {
          acc += centred[j] * vectors[j][c];
        }
        t[i * k + c] = acc;
      }
    }
    return new Targets(standardise(t, n, k), n, k, values);
  }

  /** C = Yc^T Yc / (N - 1), accumulated over blocks of rows. */
  static double[][] covariance(float[] y, int n, int d, double[] mean) {
    double[][] cov = new double[d][d];
    double[] row = new double[d];
    for (int start = 0; start < n; start += BLOCK) {
      int end = Math.min(n, start + BLOCK);
      for (int i = start; i < end; i++) {
        for (int j = 0; j < d; j++) {
          row[j] = y[i * d + j] - mean[j];
        }
        for (int a = 0; a < d; a++) {
          double ra = row[a];
          double[] ca = cov[a];
          for (int b = a; b < d; b++) {
            ca[b] += ra * row[b];
          }
        }
      }
    }
    for (int a = 0; a < d; a++) {
      for (int b = a; b < d; b++) {
        cov[a][b] /= (n - 1);
        cov[b][a] = cov[a][b];
      }
    }
    return cov;
  }

  /** Every column to mean 0, unbiased std 1 (a constant column stays 0). */
  static float[] standardise(double[] t, int n, int k) {
    float[] out = new float[n * k];
    for (int c = 0; c < k; c++) {
      double m = 0;
      for (int i = 0; i < n; i++) {
        m += t[i * k + c];
      }
      m /= n;
      double var = 0;
      for (int i = 0; i < n; i++) {
        double dv = t[i * k + c] - m;
        var += dv * dv;
      }
      double std = Math.sqrt(var / (n - 1));
      double inv = std > 1e-12 ? 1 / std : 0;
      for (int i = 0; i < n; i++) {
        out[i * k + c] = (float) ((t[i * k + c] - m) * inv);
      }
    }
    return out;
  }
}
