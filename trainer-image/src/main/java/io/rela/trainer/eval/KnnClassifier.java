package io.rela.trainer.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The weighted k-nearest-neighbour classifier SSL libraries report next to the linear probe
 * (as in Wu et al. 2018 and solo-learn): cosine similarity between L2-normalised features, the
 * k most similar train samples each vote for their class with weight exp(similarity / T), the
 * class with the largest total wins. No training, so it is a cheap second opinion on the
 * features that a probe's optimiser cannot flatter.
 */
public final class KnnClassifier {

  /** Test rows per similarity block: bounds the block to rows x N floats. */
  private static final int ROWS = 256;

  private KnnClassifier() {}

  /** Top-1 accuracy on {@code test} with {@code train} as the memory bank. */
  public static double accuracy(NDManager parent, Features train, Features test, int classes, int k, double temperature) {
    int d = train.d();
    int n = train.n();
    int kk = Math.min(k, n);
    float[] bank = normalised(train.x(), d);
    float[] queries = normalised(test.x(), d);
    long hits = 0;
    try (NDManager m = parent.newSubManager()) {
      // the bank, transposed once: each block is then one (rows x d) x (d x N) product on the engine
      NDArray bankT = m.create(bank, new Shape(n, d)).transpose().duplicate();
      int[] idx = new int[kk];
      float[] sim = new float[kk];
      double[] votes = new double[classes];
      for (int from = 0; from < test.n(); from += ROWS) {
        int rows = Math.min(ROWS, test.n() - from);
        float[] block;
        try (NDManager sm = m.newSubManager()) {
          float[] q = new float[rows * d];
          System.arraycopy(queries, from * d, q, 0, rows * d);
          block = sm.create(q, new Shape(rows, d)).matMul(bankT).toFloatArray();
        }
        for (int r = 0; r < rows; r++) {
          topK(block, r * n, n, idx, sim);
          java.util.Arrays.fill(votes, 0);
          for (int j = 0; j < kk; j++) {
            votes[train.y()[idx[j]]] += Math.exp(sim[j] / temperature);
          }
          int best = 0;
          for (int c = 1; c < classes; c++) {
            if (votes[c] > votes[best]) {
              best = c;
            }
          }
          if (best == test.y()[from + r]) {
            hits++;
          }
        }
      }
    }
    return test.n() == 0 ? 0 : (double) hits / test.n();
  }

  /** The {@code idx.length} largest of s[off .. off+n), unordered, by a min-heap on their values. */
  static void topK(float[] s, int off, int n, int[] idx, float[] val) {
    int k = idx.length;
    for (int j = 0; j < k; j++) {
      idx[j] = j;
      val[j] = s[off + j];
      siftUp(idx, val, j);
    }
    for (int j = k; j < n; j++) {
      float v = s[off + j];
      if (v > val[0]) {
        val[0] = v;
        idx[0] = j;
        siftDown(idx, val, k);
      }
    }
  }

  private static void siftUp(int[] idx, float[] val, int i) {
    while (i > 0) {
      int p = (i - 1) / 2;
      if (val[p] <= val[i]) {
        return;
      }
      swap(idx, val, i, p);
      i = p;
    }
  }

  private static void siftDown(int[] idx, float[] val, int k) {
    int i = 0;
    while (true) {
      int l = 2 * i + 1;
      int r = l + 1;
      int min = i;
      if (l < k && val[l] < val[min]) {
        min = l;
      }
      if (r < k && val[r] < val[min]) {
        min = r;
      }
      if (min == i) {
        return;
      }
      swap(idx, val, i, min);
      i = min;
    }
  }

  private static void swap(int[] idx, float[] val, int a, int b) {
    int ti = idx[a];
    idx[a] = idx[b];
    idx[b] = ti;
    float tv = val[a];
    val[a] = val[b];
    val[b] = tv;
  }

  private static float[] normalised(float[] x, int d) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length / d; i++) {
      double norm = 0;
      for (int j = 0; j < d; j++) {
        norm += (double) x[i * d + j] * x[i * d + j];
      }
      double inv = 1 / Math.max(Math.sqrt(norm), 1e-12);
      for (int j = 0; j < d; j++) {
        out[i * d + j] = (float) (x[i * d + j] * inv);
      }
    }
    return out;
  }
}
