package io.rela.trainer.rela;

import io.rela.api.spec.Schedule;

/**
 * Decides when training leaves the ReLA phase for BYOL, for good. Its state is part of every
 * checkpoint.
 */
public final class SwitchRule {

  private final Schedule schedule;
  private final Averages adaptive;
  private final int constantEpochs;

  private boolean switched;
  private double fast = 1.0;
  private double slow = 2.0;
  private double rho = Math.exp(-1.0);
  private int switchEpoch = -1;
  private long switchStep = -1;

  /**
   * @param schedule Adaptive, Constant or None
   * @param adaptive Adaptive: threshold and decays of the two loss averages
   * @param constantFraction Constant: fraction c of the epochs in phase A
   * @param epochs epochs of the run
   */
  public SwitchRule(Schedule schedule, Averages adaptive, double constantFraction, int epochs) {
    this.schedule = schedule;
    this.adaptive = adaptive;
    this.constantEpochs = (int) Math.floor(constantFraction * epochs);
    if (schedule == Schedule.None) {
      switched = true;
      switchEpoch = 0;
      switchStep = 0;
    }
  }

  /** Called at the start of each epoch (0-based) with the global step count. */
  public void onEpochStart(int epoch, long step) {
    if (!switched && schedule == Schedule.Constant && epoch >= constantEpochs) {
      markSwitched(epoch, step);
    }
  }

  /**
   * Feeds the phase-A loss of one optimiser step. Adaptive: rho = exp(-max(L_slow - L_fast, 0))
   * is computed before the averages move; once it reaches the threshold the switch happens.
   */
  public void onReLAStep(double loss, int epoch, long step) {
    if (switched || schedule != Schedule.Adaptive) {
      return;
    }
    rho = Math.exp(-Math.max(slow - fast, 0.0));
    if (rho >= adaptive.rhoThreshold()) {
      markSwitched(epoch, step);
      return;
    }
    fast = adaptive.fastDecay() * fast + (1 - adaptive.fastDecay()) * loss;
    slow = adaptive.slowDecay() * slow + (1 - adaptive.slowDecay()) * fast;
  }

  private void markSwitched(int epoch, long step) {
    switched = true;
    switchEpoch = epoch;
    switchStep = step;
  }

  /** True while training is in phase A (ReLA). */
  public boolean inReLA() {
    return !switched;
  }

  public double rho() {
    return rho;
  }

  /** Epoch (0-based) of the switch, or -1 before it. */
  public int switchEpoch() {
    return switchEpoch;
  }

  public long switchStep() {
    return switchStep;
  }

  /** The state a checkpoint keeps. */
  public State state() {
    return new State(switched, fast, slow, rho, switchEpoch, switchStep);
  }

  public void restore(State s) {
    switched = s.switched();
    fast = s.fast();
    slow = s.slow();
    rho = s.rho();
    switchEpoch = s.switchEpoch();
    switchStep = s.switchStep();
  }

  /**
   * The Adaptive rule's parameters.
   *
   * @param rhoThreshold switch once rho reaches this
   * @param fastDecay decay of L_fast (reference 0.999)
   * @param slowDecay decay of L_slow (reference 0.99)
   */
  public record Averages(double rhoThreshold, double fastDecay, double slowDecay) {
    /** The reference implementation's values. */
    public static final Averages REFERENCE = new Averages(0.995, 0.999, 0.99);

    /**
     * Windows given in full-data epochs (floor(N / batch) steps each) rather than in steps: an
     * average over W steps has decay 1 - 1/W. The unit does not shrink with the data ratio (an
     * epoch of the run, floor(r N / batch) steps, would: at r = 0.1 the rule would look at a tenth
     * of the steps and switch ten times sooner on the same loss curve), so the rule means the
     * same at every ratio, as the reference's step-counted decays do, and scales with the
     * dataset. A window under one step keeps only the latest value.
     */
    public static Averages perFullDataEpoch(double rhoThreshold, double fastWindowEpochs, double slowWindowEpochs,
        long fullDataSteps) {
      return new Averages(rhoThreshold, decay(fastWindowEpochs * fullDataSteps), decay(slowWindowEpochs * fullDataSteps));
    }

    private static double decay(double windowSteps) {
      return windowSteps <= 1 ? 0.0 : 1.0 - 1.0 / windowSteps;
    }
  }

  /** Serialisable switch state. */
  public record State(boolean switched, double fast, double slow, double rho, int switchEpoch, long switchStep) {}
}
