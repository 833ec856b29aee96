package io.rela.trainer.rela;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TargetReducerTest {

  @Test
  void jacobiFindsHandCheckedEigenpairs() {
    // [[2,1],[1,2]] has eigenvalues 3 and 1 with eigenvectors (1,1)/sqrt2 and (1,-1)/sqrt2
    double[][][] e = Jacobi.eigh(new double[][] {{2, 1}, {1, 2}});
    assertThat(e[0][0][0]).isCloseTo(3.0, within(1e-12));
    assertThat(e[0][0][1]).isCloseTo(1.0, within(1e-12));
    double s = Math.sqrt(0.5);
    assertThat(Math.abs(e[1][0][0])).isCloseTo(s, within(1e-12));
    assertThat(e[1][0][0] * e[1][1][0]).isCloseTo(0.5, within(1e-12)); // same sign: (1,1)
    assertThat(e[1][0][1] * e[1][1][1]).isCloseTo(-0.5, within(1e-12)); // opposite: (1,-1)
  }

  @Test
  void jacobiSortsAThreeByThreeDiagonalisableMatrix() {
    // diag(1, 5, 3) rotated is still {5, 3, 1}
    double[][][] e = Jacobi.eigh(new double[][] {{1, 0, 0}, {0, 5, 0}, {0, 0, 3}});
    assertThat(e[0][0]).containsExactly(5.0, 3.0, 1.0);
  }

  @Test
  void covarianceOfAKnownMatrix() throws Exception {
    // rows (1,2), (3,4), (5,0): mean (3,2); centred (-2,0),(0,2),(2,-2)
    // C = [[8, -4], [-4, 8]] / 2 = [[4,-2],[-2,4]]
    float[] y = {1, 2, 3, 4, 5, 0};
    TargetReducer.Moments m = TargetReducer.moments(RowBlocks.of(y, 3, 2));
    assertThat(m.mean()).containsExactly(3.0, 2.0);
    double[][] c = m.cov();
    assertThat(c[0][0]).isCloseTo(4, within(1e-9));
    assertThat(c[0][1]).isCloseTo(-2, within(1e-9));
    assertThat(c[1][0]).isCloseTo(-2, within(1e-9));
    assertThat(c[1][1]).isCloseTo(4, within(1e-9));
  }

  @Test
  void projectionKeepsTheLeadingComponentAndStandardises() {
    // points on the line y = x (plus a little noise across it): the first component is (1,1)/sqrt2
    float[] y = {0, 0.1f, 1, 0.9f, 2, 2.1f, 3, 2.9f, 4, 4.1f};
    TargetReducer.Targets t = TargetReducer.reduce(y, 5, 2, 1);
    assertThat(t.k()).isEqualTo(1);
    assertThat(t.eigenvalues()[0]).isCloseTo(5.0, within(0.1)); // var along the line: 2 * 2.5
    double mean = 0;
    double sq = 0;
    for (int i = 0; i < 5; i++) {
      mean += t.table().get(i, 0);
      sq += t.table().get(i, 0) * t.table().get(i, 0);
    }
    assertThat(mean / 5).isCloseTo(0, within(1e-6));
    assertThat(Math.sqrt(sq / 4)).isCloseTo(1, within(1e-5));
    // ordered along the line: monotone in the sample index (up to the sign of the eigenvector)
    float first = t.table().get(0, 0);
    float last = t.table().get(4, 0);
    assertThat(Math.signum(last - first)).isNotZero();
    for (int i = 1; i < 5; i++) {
      assertThat(Math.signum(t.table().get(i, 0) - t.table().get(i - 1, 0))).isEqualTo(Math.signum(last - first));
    }
  }

  @Test
  void standardiseGivesMeanZeroStdOne() {
    FloatTable t = FloatTable.of(new float[] {1, 10, 2, 20, 3, 30, 4, 40}, 2);
    TargetReducer.standardise(t, new double[] {10, 100}, new double[] {30, 3000});
    // column 0: 1..4, mean 2.5, unbiased std sqrt(5/3) = 1.29099
    assertThat(t.get(0, 0)).isCloseTo((float) ((1 - 2.5) / Math.sqrt(5.0 / 3)), within(1e-6f));
    assertThat(t.get(0, 1)).isCloseTo((float) ((10 - 25) / (10 * Math.sqrt(5.0 / 3))), within(1e-6f));
  }

  /**
   * The streaming path with tiny blocks and tiny chunks gives the same targets as one block in
   * one chunk: rows cross block and chunk borders at every step, and 64-bit row arithmetic is
   * what addresses them.
   */
  @Test
  void streamingOverSmallBlocksAndChunksMatchesTheWholeMatrix() throws Exception {
    int n = 103;
    int d = 7;
    java.util.SplittableRandom r = new java.util.SplittableRandom(5);
    float[] y = new float[n * d];
    for (int i = 0; i < y.length; i++) {
      y[i] = (float) (r.nextDouble() * 3 + (i % d) * 0.5);
    }
    TargetReducer.Targets whole = TargetReducer.reduce(y, n, d, 4);
    RowBlocks blocks = new RowBlocks() {
      @Override public long n() { return n; }
      @Override public int d() { return d; }
      @Override public void forEach(Visitor v) {
        for (int from = 0; from < n; from += 5) {
          int count = Math.min(5, n - from);
          v.accept(from, java.util.Arrays.copyOfRange(y, from * d, (from + count) * d), count);
        }
      }
    };
    TargetReducer.Targets chunked = TargetReducer.reduce(blocks, 4, 3);
    assertThat(chunked.n()).isEqualTo(n);
    for (long i = 0; i < n; i++) {
      for (int c = 0; c < 4; c++) {
        assertThat(chunked.table().get(i, c)).isCloseTo(whole.table().get(i, c), within(1e-4f));
      }
    }
    assertThat(chunked.eigenvalues()).containsExactly(whole.eigenvalues(), within(1e-9));
  }

  @Test
  void aTableAddressesRowsBeyondTwoToThe31Elements() {
    // 2^31 / k + a few rows of k = 2: the flat offset i * k overflows an int, the chunked one does not
    int k = 2;
    long n = (1L << 30) + 3;
    FloatTable t = new FloatTable(n, k, 1 << 20);
    long last = n - 1;
    t.setRow(last, new float[] {7f, 8f}, 0);
    float[] out = new float[2];
    t.copyRow(last, out, 0);
    assertThat(out).containsExactly(7f, 8f);
    assertThat(t.get(1L << 30, 1)).isZero();
  }
}
