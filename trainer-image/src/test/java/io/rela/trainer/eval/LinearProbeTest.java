package io.rela.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.rela.trainer.config.EvalSettings;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LinearProbeTest {

  /** n points in d dimensions around one of {@code classes} random centres, label = centre. */
  static Features clusters(int n, int d, int classes, double spread, long seed) {
    SplittableRandom centres = new SplittableRandom(42);
    double[][] c = new double[classes][d];
    for (double[] row : c) {
      for (int j = 0; j < d; j++) {
        row[j] = centres.nextDouble() * 2 - 1;
      }
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] x = new float[n * d];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % classes;
      for (int j = 0; j < d; j++) {
        x[i * d + j] = (float) (c[y[i]][j] + spread * gaussian(rnd));
      }
    }
    return new Features(x, y, d);
  }

  private static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  private static EvalSettings settings(int epochs, int averaged, boolean standardize) {
    return new EvalSettings(epochs, 3e-3, 32, averaged, standardize, 5, 0.07, null, true);
  }

  @Test
  void learnsSeparableClassesAndAveragesTheLastEpochs() {
    Features train = clusters(600, 16, 4, 0.3, 1);
    Features test = clusters(200, 16, 4, 0.3, 2);
    LinearProbe.Result r = LinearProbe.run(train, test, 4, settings(20, 3, false), 0);
    assertThat(r.epochAccuracies()).hasSize(3);
    assertThat(r.accuracy()).isEqualTo(r.epochAccuracies().stream().mapToDouble(Double::doubleValue).average().orElseThrow());
    assertThat(r.accuracy()).isGreaterThan(0.95);
  }

  @Test
  void moreEpochsThanNothingAndDeterministicForASeed() {
    Features train = clusters(400, 16, 4, 1.2, 3);
    Features test = clusters(400, 16, 4, 1.2, 4);
    LinearProbe.Result one = LinearProbe.run(train, test, 4, settings(1, 1, false), 7);
    LinearProbe.Result again = LinearProbe.run(train, test, 4, settings(1, 1, false), 7);
    assertThat(again.accuracy()).isEqualTo(one.accuracy());
    LinearProbe.Result many = LinearProbe.run(train, test, 4, settings(40, 3, false), 7);
    assertThat(many.accuracy()).isGreaterThan(one.accuracy());
  }

  @Test
  void standardisingHelpsBadlyScaledFeaturesAtTheSameBudget() {
    Features train = clusters(600, 16, 4, 0.5, 5);
    Features test = clusters(300, 16, 4, 0.5, 6);
    // the informative dimensions scaled down 1000x, as raw features of an untrained network can be
    for (Features f : new Features[] {train, test}) {
      for (long i = 0; i < f.n(); i++) {
        for (int j = 0; j < f.d(); j++) {
          f.x().set(i, j, f.x().get(i, j) * 1e-3f);
        }
      }
    }
    double raw = LinearProbe.run(train, test, 4, settings(2, 1, false), 0).accuracy();
    double std = LinearProbe.run(train, test, 4, settings(2, 1, true), 0).accuracy();
    assertThat(std).isGreaterThan(raw + 0.2);
  }

  @Test
  void knnVotesByWeightedSimilarity() {
    try (NDManager m = NDManager.newBaseManager()) {
      Features train = clusters(400, 8, 4, 0.2, 7);
      Features test = clusters(100, 8, 4, 0.2, 8);
      assertThat(KnnClassifier.accuracy(m, train, test, 4, 20, 0.07)).isGreaterThan(0.95);
      // the bank in chunks of 7 rows (neighbours merged across chunks) votes exactly as in one piece
      Features noisy = clusters(300, 8, 4, 1.5, 9);
      Features queries = clusters(120, 8, 4, 1.5, 10);
      assertThat(KnnClassifier.accuracy(m, noisy, queries, 4, 20, 0.07, 7))
          .isEqualTo(KnnClassifier.accuracy(m, noisy, queries, 4, 20, 0.07, 1000));

      // one close neighbour of class 1 against three far ones of class 0: the temperature decides
      Features bank = new Features(new float[] {1, 0, 0.2f, 1, 0.2f, 1, 0.2f, 1}, new int[] {1, 0, 0, 0}, 2);
      Features query = new Features(new float[] {1, 0.01f}, new int[] {1}, 2);
      assertThat(KnnClassifier.accuracy(m, bank, query, 2, 4, 0.07)).isEqualTo(1.0);
      assertThat(KnnClassifier.accuracy(m, bank, query, 2, 4, 100)).isEqualTo(0.0);
    }
  }

  @Test
  void topKFindsTheLargest() {
    SplittableRandom r = new SplittableRandom(9);
    float[] s = new float[1000];
    for (int i = 0; i < s.length; i++) {
      s[i] = (float) r.nextDouble();
    }
    int[] idx = new int[20];
    float[] val = new float[20];
    KnnClassifier.topK(s, 0, s.length, idx, val);
    float[] sorted = s.clone();
    java.util.Arrays.sort(sorted);
    float[] got = val.clone();
    java.util.Arrays.sort(got);
    assertThat(got).containsExactly(java.util.Arrays.copyOfRange(sorted, 980, 1000));
    for (int j = 0; j < 20; j++) {
      assertThat(s[idx[j]]).isEqualTo(val[j]);
    }
  }
}
