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

  /** Test rows per similarity block: bounds a block to rows x bank-chunk floats. */
  private static final int ROWS = 256;
  /** Train rows per bank chunk on the engine: the bank is never one array (it can exceed 2^31 floats). */
  private static final int BANK_ROWS = 32768;

  private KnnClassifier() {}

  /** Top-1 accuracy on {@code test} with {@code train} as the memory bank. */
  public static double accuracy(NDManager parent, Features train, Features test, int classes, int k, double temperature) {
    return accuracy(parent, train, test, classes, k, temperature, BANK_ROWS);
  }

  /** As above, the bank read in chunks of {@code bankRows} train samples. */
  static double accuracy(NDManager parent, Features train, Features test, int classes, int k, double temperature,
      int bankRows) {
    int d = train.d();
    int n = train.n();
    int nt = test.n();
    int kk = Math.min(k, n);
    float[] queries = normalised(test, 0, nt);
    // per test sample, a min-heap of its kk most similar train samples so far (across bank chunks)
    int[][] idx = new int[nt][kk];
    float[][] sim = new float[nt][kk];
    int[] size = new int[nt];
    try (NDManager m = parent.newSubManager()) {
      for (int b0 = 0; b0 < n; b0 += bankRows) {
        int br = Math.min(bankRows, n - b0);
        try (NDManager cm = m.newSubManager()) {
          // the chunk, transposed once: each block is one (rows x d) x (d x chunk) product on the engine
          NDArray bankT = cm.create(normalised(train, b0, br), new Shape(br, d)).transpose().duplicate();
          for (int from = 0; from < nt; from += ROWS) {
            int rows = Math.min(ROWS, nt - from);
            float[] block;
            try (NDManager sm = cm.newSubManager()) {
              float[] q = new float[rows * d];
              System.arraycopy(queries, from * d, q, 0, rows * d);
              block = sm.create(q, new Shape(rows, d)).matMul(bankT).toFloatArray();
            }
            for (int r = 0; r < rows; r++) {
              int t = from + r;
              for (int j = 0; j < br; j++) {
                size[t] = offer(idx[t], sim[t], size[t], b0 + j, block[r * br + j]);
              }
            }
          }
        }
      }
    }
    long hits = 0;
    double[] votes = new double[classes];
    for (int t = 0; t < nt; t++) {
      java.util.Arrays.fill(votes, 0);
      for (int j = 0; j < size[t]; j++) {
        votes[train.y()[idx[t][j]]] += Math.exp(sim[t][j] / temperature);
      }
      int best = 0;
      for (int c = 1; c < classes; c++) {
        if (votes[c] > votes[best]) {
          best = c;
        }
      }
      if (best == test.y()[t]) {
        hits++;
      }
    }
    return nt == 0 ? 0 : (double) hits / nt;
  }

  /** Adds (i, v) to the min-heap of capacity idx.length holding {@code size} entries; returns the new size. */
  static int offer(int[] idx, float[] val, int size, int i, float v) {
    if (size < idx.length) {
      idx[size] = i;
      val[size] = v;
      siftUp(idx, val, size);
      return size + 1;
    }
    if (v > val[0]) {
      val[0] = v;
      idx[0] = i;
      siftDown(idx, val, size);
    }
    return size;
  }

  /** The {@code idx.length} largest of s[off .. off+n), unordered, by a min-heap on their values. */
  static void topK(float[] s, int off, int n, int[] idx, float[] val) {
    int size = 0;
    for (int j = 0; j < n; j++) {
      size = offer(idx, val, size, j, s[off + j]);
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

  /** Rows [from, from + count) of {@code f}, each scaled to unit L2 norm, row-major. */
  private static float[] normalised(Features f, int from, int count) {
    int d = f.d();
    float[] out = new float[count * d];
    for (int i = 0; i < count; i++) {
      f.x().copyRow(from + i, out, i * d);
      double norm = 0;
      for (int j = 0; j < d; j++) {
        norm += (double) out[i * d + j] * out[i * d + j];
      }
      double inv = 1 / Math.max(Math.sqrt(norm), 1e-12);
      for (int j = 0; j < d; j++) {
        out[i * d + j] = (float) (out[i * d + j] * inv);
      }
    }
    return out;
  }
}
