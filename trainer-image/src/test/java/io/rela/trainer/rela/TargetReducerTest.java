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
  void covarianceOfAKnownMatrix() {
    // rows (1,2), (3,4), (5,0): mean (3,2); centred (-2,0),(0,2),(2,-2)
    // C = [[8, -4], [-4, 8]] / 2 = [[4,-2],[-2,4]]
    float[] y = {1, 2, 3, 4, 5, 0};
    double[][] c = TargetReducer.covariance(y, 3, 2, new double[] {3, 2});
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
      mean += t.table()[i];
      sq += t.table()[i] * t.table()[i];
    }
    assertThat(mean / 5).isCloseTo(0, within(1e-6));
    assertThat(Math.sqrt(sq / 4)).isCloseTo(1, within(1e-5));
    // ordered along the line: monotone in the sample index (up to the sign of the eigenvector)
    float first = t.table()[0];
    float last = t.table()[4];
    assertThat(Math.signum(last - first)).isNotZero();
    for (int i = 1; i < 5; i++) {
      assertThat(Math.signum(t.table()[i] - t.table()[i - 1])).isEqualTo(Math.signum(last - first));
    }
  }

  @Test
  void standardiseGivesMeanZeroStdOne() {
    double[] t = {1, 10, 2, 20, 3, 30, 4, 40};
    float[] s = TargetReducer.standardise(t, 4, 2);
    // column 0: 1..4, mean 2.5, unbiased std sqrt(5/3) = 1.29099
    assertThat(s[0]).isCloseTo((float) ((1 - 2.5) / Math.sqrt(5.0 / 3)), within(1e-6f));
    assertThat(s[1]).isCloseTo((float) ((10 - 25) / (10 * Math.sqrt(5.0 / 3))), within(1e-6f));
  }
}
