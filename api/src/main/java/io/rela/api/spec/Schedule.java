package io.rela.api.spec;

/** Rules for switching from the ReLA phase to BYOL. */
public enum Schedule {
  /** Switch when the phase-A loss plateaus. */
  Adaptive,
  /** Switch after a fixed fraction of the epochs. */
  Constant,
  /** No ReLA phase: plain BYOL. */
  None;

  /** Whether training has a ReLA phase, the only user of the prior's targets (and so of its embedding pass). */
  public boolean usesPriorTargets() {
    return this != None;
  }
}
