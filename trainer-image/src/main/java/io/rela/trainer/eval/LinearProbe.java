package io.rela.trainer.eval;

import io.rela.trainer.config.EvalSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The reference's linear evaluation (LINs-lab/ReLA {@code metrics/lineareval.py}): a linear
 * layer with bias trained on frozen features by Adam (no weight decay) with cross-entropy, the
 * train split shuffled every epoch; the test accuracy is measured after each epoch and the
 * mean of the last few epochs is the result.
 *
 * <p>Plain Java rather than the engine: the layer is tiny (d x classes), so per-step native
 * calls would cost more than the arithmetic, and the update is exactly torch.optim.Adam's
 * (bias-corrected moments, eps added after the square root), which the PyTorch cross-check
 * relies on.
 */
public final class LinearProbe {

  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPS = 1e-8;

  /**
   * What a probe run measured.
   *
   * @param accuracy mean test accuracy of the last {@code averagedEpochs} epochs
   * @param epochAccuracies test accuracy after each of those epochs
   */
  public record Result(double accuracy, List<Double> epochAccuracies) {}

  private final int d;
  private final int classes;
  private final float[] w;
  private final float[] b;
  private final double[] mw;
  private final double[] vw;
  private final double[] mb;
  private final double[] vb;
  private int steps;

  private LinearProbe(int d, int classes, long seed) {
    this.d = d;
    this.classes = classes;
    this.w = new float[d * classes];
    this.b = new float[classes];
    // torch.nn.Linear's default initialisation: U(-1/sqrt(d), 1/sqrt(d)) for weights and bias
    SplittableRandom rnd = new SplittableRandom(seed);
    double bound = 1 / Math.sqrt(d);
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
    }
    for (int i = 0; i < classes; i++) {
      b[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
    }
    this.mw = new double[w.length];
    this.vw = new double[w.length];
    this.mb = new double[classes];
    this.vb = new double[classes];
  }

  /** Trains on {@code train} and scores on {@code test} as the settings say. */
  public static Result run(Features train, Features test, int classes, EvalSettings e, long seed) {
    if (e.standardize()) {
      Features[] st = Features.standardized(train, test);
      train = st[0];
      test = st[1];
    }
    LinearProbe p = new LinearProbe(train.d(), classes, seed);
    int n = train.n();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
    int averaged = Math.min(e.averagedEpochs(), e.probeEpochs());
    List<Double> accs = new ArrayList<>();
    float[] gw = new float[p.w.length];
    float[] gb = new float[classes];
    float[] logits = new float[classes];
    float[] row = new float[p.d];
    int batch = e.probeBatchSize();
    for (int epoch = 0; epoch < e.probeEpochs(); epoch++) {
      for (int i = n - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      for (int from = 0; from < n; from += batch) {
        int bs = Math.min(batch, n - from);
        java.util.Arrays.fill(gw, 0f);
        java.util.Arrays.fill(gb, 0f);
        for (int k = 0; k < bs; k++) {
          int sample = order[from + k];
          train.x().copyRow(sample, row, 0);
          p.logits(row, 0, logits);
          softmaxInPlace(logits);
          logits[train.y()[sample]] -= 1f;
          float scale = 1f / bs;
          for (int c = 0; c < classes; c++) {
            float g = logits[c] * scale;
            gb[c] += g;
            int wo = c * p.d;
            for (int j = 0; j < p.d; j++) {
              gw[wo + j] += g * row[j];
            }
          }
        }
        p.adam(gw, gb, e.probeLearningRate());
      }
      if (epoch >= e.probeEpochs() - averaged) {
        accs.add(p.accuracy(test));
      }
    }
    return new Result(accs.stream().mapToDouble(Double::doubleValue).average().orElse(0), List.copyOf(accs));
  }

  private void logits(float[] x, int off, float[] out) {
    for (int c = 0; c < classes; c++) {
      int wo = c * d;
      float s0 = 0;
      float s1 = 0;
      float s2 = 0;
      float s3 = 0;
      int j = 0;
      for (; j + 3 < d; j += 4) {
        s0 += w[wo + j] * x[off + j];
        s1 += w[wo + j + 1] * x[off + j + 1];
        s2 += w[wo + j + 2] * x[off + j + 2];
        s3 += w[wo + j + 3] * x[off + j + 3];
      }
      for (; j < d; j++) {
        s0 += w[wo + j] * x[off + j];
      }
      out[c] = s0 + s1 + s2 + s3 + b[c];
    }
  }

  private static void softmaxInPlace(float[] z) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int c = 0; c < z.length; c++) {
      z[c] = (float) Math.exp(z[c] - max);
      sum += z[c];
    }
    for (int c = 0; c < z.length; c++) {
      z[c] = (float) (z[c] / sum);
    }
  }

  private void adam(float[] gw, float[] gb, double lr) {
    steps++;
    double c1 = 1 - Math.pow(BETA1, steps);
    double c2 = 1 - Math.pow(BETA2, steps);
    update(w, gw, mw, vw, lr, c1, c2);
    update(b, gb, mb, vb, lr, c1, c2);
  }

  private static void update(float[] p, float[] g, double[] m, double[] v, double lr, double c1, double c2) {
    double step = lr / c1;
    double sc2 = Math.sqrt(c2);
    for (int i = 0; i < p.length; i++) {
      m[i] = BETA1 * m[i] + (1 - BETA1) * g[i];
      v[i] = BETA2 * v[i] + (1 - BETA2) * g[i] * g[i];
      p[i] -= (float) (step * m[i] / (Math.sqrt(v[i]) / sc2 + EPS));
    }
  }

  private double accuracy(Features test) {
    float[] z = new float[classes];
    float[] row = new float[d];
    long hits = 0;
    for (int i = 0; i < test.n(); i++) {
      test.x().copyRow(i, row, 0);
      logits(row, 0, z);
      int best = 0;
      for (int c = 1; c < classes; c++) {
        if (z[c] > z[best]) {
          best = c;
        }
      }
      if (best == test.y()[i]) {
        hits++;
      }
    }
    return test.n() == 0 ? 0 : (double) hits / test.n();
  }
}
