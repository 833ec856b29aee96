package io.rela.trainer.rela;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.rela.api.spec.Schedule;
import org.junit.jupiter.api.Test;

class SwitchRuleTest {

  @Test
  void adaptiveAveragesMoveAsInTheReference() {
    SwitchRule r = new SwitchRule(Schedule.Adaptive, SwitchRule.Averages.REFERENCE, 0, 10);
    r.onReLAStep(0.0, 0, 0);
    // rho before the first update: exp(-(2 - 1)); then fast = 0.999, slow = 0.99*2 + 0.01*0.999
    assertThat(r.rho()).isCloseTo(Math.exp(-1), within(1e-12));
    assertThat(r.state().fast()).isCloseTo(0.999, within(1e-12));
    assertThat(r.state().slow()).isCloseTo(1.98999, within(1e-12));
    r.onReLAStep(0.0, 0, 1);
    assertThat(r.rho()).isCloseTo(Math.exp(-(1.98999 - 0.999)), within(1e-12));
  }

  @Test
  void adaptiveSwitchesWhenAFlatLossCurvePlateaus() {
    // loss constant at 1.0: fast stays 1, slow - fast = 0.99^t; rho >= 0.995 once 0.99^t <= -ln(0.995),
    // i.e. after t = 527 updates: the 528th step (index 527) switches
    SwitchRule r = new SwitchRule(Schedule.Adaptive, SwitchRule.Averages.REFERENCE, 0, 10);
    int step = 0;
    while (r.inReLA() && step < 10_000) {
      r.onReLAStep(1.0, 0, step);
      step++;
    }
    assertThat(r.inReLA()).isFalse();
    assertThat(r.switchStep()).isEqualTo(527);
    assertThat(r.switchEpoch()).isZero();
  }

  @Test
  void shorterAveragesSwitchSoonerOnTheSameCurve() {
    // flat loss 1.0 with slowDecay 0.9: slow - fast = 0.9^t <= -ln(0.995) after t = 51 updates
    SwitchRule r = new SwitchRule(Schedule.Adaptive, new SwitchRule.Averages(0.995, 0.99, 0.9), 0, 10);
    int step = 0;
    while (r.inReLA() && step < 10_000) {
      r.onReLAStep(1.0, 0, step);
      step++;
    }
    assertThat(r.switchStep()).isEqualTo(51);
  }

  @Test
  void windowsInFullDataEpochsGiveTheDecaysOfThatManySteps() {
    // a full-data epoch of 200 steps: window 200 steps, decay 1 - 1/200; 0.1 epoch: 20 steps
    SwitchRule.Averages a = SwitchRule.Averages.perFullDataEpoch(0.995, 1.0, 0.1, 200);
    assertThat(a.fastDecay()).isCloseTo(0.995, within(1e-12));
    assertThat(a.slowDecay()).isCloseTo(0.95, within(1e-12));
    assertThat(a.rhoThreshold()).isEqualTo(0.995);
    // a dataset a tenth the size: ten times fewer steps, so ten times shorter averages
    SwitchRule.Averages small = SwitchRule.Averages.perFullDataEpoch(0.995, 1.0, 0.04, 20);
    assertThat(small.fastDecay()).isCloseTo(0.95, within(1e-12));
    // a window under one step keeps only the latest value
    assertThat(small.slowDecay()).isZero();
  }

  /**
   * The loss of the ReLA phase falls at the same rate per step whatever the data ratio (seen in
   * the study's traces), so the rule must switch at the same step at every ratio. Windows in
   * full-data epochs do: the decays depend on the dataset and batch, not on r. (Windows in epochs
   * of the run would switch after 618, 285 and 21 steps at r = 1.0, 0.5 and 0.1.)
   */
  @Test
  void theSwitchStepDoesNotScaleWithTheDataRatio() {
    long images = 24_000;
    int batch = 128;
    long[] at = new long[3];
    double[] ratios = {1.0, 0.5, 0.1};
    for (int i = 0; i < ratios.length; i++) {
      var rela = new io.rela.trainer.config.JobSettings.Rela(ratios[i], Schedule.Adaptive, 0,
          0.995, 0.999, 0.99, 1.0, 0.1, null, false);
      var training = new io.rela.trainer.config.JobSettings.Training(1000, batch, 1e-3, 0, 0.99, 0, 1, false, 0, null);
      var s = new io.rela.trainer.config.JobSettings("t", null, null, null, training, rela, null, null, 0, null, null);
      long stepsPerEpoch = s.stepsPerEpoch(images);
      SwitchRule r = new SwitchRule(Schedule.Adaptive, s.switchAverages(images), 0, 1000);
      long step = 0;
      while (r.inReLA() && step < 100_000) {
        // an exponential fall toward a floor, per step, the same curve at every ratio
        r.onReLAStep(0.85 + 0.15 * Math.exp(-step / 60.0), (int) (step / stepsPerEpoch), step);
        step++;
      }
      at[i] = r.switchStep();
    }
    assertThat(at[0]).isPositive();
    assertThat(at[1]).isEqualTo(at[0]);
    assertThat(at[2]).isEqualTo(at[0]);
  }

  @Test
  void adaptiveDoesNotSwitchWhileTheLossKeepsFalling() {
    SwitchRule r = new SwitchRule(Schedule.Adaptive, SwitchRule.Averages.REFERENCE, 0, 10);
    for (int t = 0; t < 400; t++) {
      r.onReLAStep(1.0 - t * 0.002, 0, t);
    }
    assertThat(r.inReLA()).isTrue();
    assertThat(r.rho()).isLessThan(0.995);
  }

  @Test
  void constantSwitchesAfterTheFractionOfEpochs() {
    SwitchRule r = new SwitchRule(Schedule.Constant, SwitchRule.Averages.REFERENCE, 0.3, 10);
    for (int e = 0; e < 3; e++) {
      r.onEpochStart(e, e * 100L);
      assertThat(r.inReLA()).as("epoch %d", e).isTrue();
    }
    r.onEpochStart(3, 300);
    assertThat(r.inReLA()).isFalse();
    assertThat(r.switchEpoch()).isEqualTo(3);
    assertThat(r.switchStep()).isEqualTo(300);
  }

  @Test
  void noneIsBYOLFromTheStart() {
    SwitchRule r = new SwitchRule(Schedule.None, SwitchRule.Averages.REFERENCE, 0, 10);
    assertThat(r.inReLA()).isFalse();
    assertThat(r.switchEpoch()).isZero();
  }

  @Test
  void stateRoundTrips() {
    SwitchRule a = new SwitchRule(Schedule.Adaptive, SwitchRule.Averages.REFERENCE, 0, 10);
    for (int t = 0; t < 50; t++) {
      a.onReLAStep(0.5, 0, t);
    }
    SwitchRule b = new SwitchRule(Schedule.Adaptive, SwitchRule.Averages.REFERENCE, 0, 10);
    b.restore(a.state());
    a.onReLAStep(0.4, 1, 50);
    b.onReLAStep(0.4, 1, 50);
    assertThat(b.state()).isEqualTo(a.state());
  }
}
