package io.rela.trainer.rela;

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations: slow for large d but
 * exact to machine precision and dependency-free; d is the prior's width (hundreds), so it
 * takes seconds at most.
 */
public final class Jacobi {

  private Jacobi() {}

  /**
   * Returns {eigenvalues (length d), eigenvectors (d x d, column j belongs to eigenvalue j)},
   * sorted by decreasing eigenvalue. The input is not modified.
   */
  public static double[][][] eigh(double[][] symmetric) {
    int d = symmetric.length;
    double[][] a = new double[d][];
    for (int i = 0; i < d; i++) {
      a[i] = symmetric[i].clone();
    }
    double[][] v = new double[d][d];
    for (int i = 0; i < d; i++) {
      v[i][i] = 1.0;
    }
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0;
      double total = 0;
      for (int p = 0; p < d; p++) {
        for (int q = 0; q < d; q++) {
          total += a[p][q] * a[p][q];
          if (p != q) {
            off += a[p][q] * a[p][q];
          }
        }
      }
      if (off <= 1e-22 * Math.max(total, 1e-300)) {
        break;
      }
      for (int p = 0; p < d - 1; p++) {
        for (int q = p + 1; q < d; q++) {
          if (Math.abs(a[p][q]) < 1e-300) {
            continue;
          }
          double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          rotate(a, v, p, q, c, s, d);
        }
      }
    }
    double[] values = new double[d];
    Integer[] order = new Integer[d];
    for (int i = 0; i < d; i++) {
      values[i] = a[i][i];
      order[i] = i;
    }
    java.util.Arrays.sort(order, (x, y) -> Double.compare(values[y], values[x]));
    double[] sortedValues = new double[d];
    double[][] sortedVectors = new double[d][d];
    for (int j = 0; j < d; j++) {
      sortedValues[j] = values[order[j]];
      for (int i = 0; i < d; i++) {
        sortedVectors[i][j] = v[i][order[j]];
      }
    }
    return new double[][][] {{sortedValues}, sortedVectors};
  }

  private static void rotate(double[][] a, double[][] v, int p, int q, double c, double s, int d) {
    for (int k = 0; k < d; k++) {
      double akp = a[k][p];
      double akq = a[k][q];
      a[k][p] = c * akp - s * akq;
      a[k][q] = s * akp + c * akq;
    }
    for (int k = 0; k < d; k++) {
      double apk = a[p][k];
      double aqk = a[q][k];
      a[p][k] = c * apk - s * aqk;
      a[q][k] = s * apk + c * aqk;
    }
    for (int k = 0; k < d; k++) {
      double vkp = v[k][p];
      double vkq = v[k][q];
      v[k][p] = c * vkp - s * vkq;
      v[k][q] = s * vkp + c * vkq;
    }
  }
}
