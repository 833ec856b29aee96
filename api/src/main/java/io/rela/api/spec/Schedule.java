package io.rela.api.spec;

/** Rules for switching from the ReLA phase to BYOL. */
public enum Schedule {
  /** Switch when the phase-A loss plateaus. */
  Adaptive,
  /** Switch after a fixed fraction of the epochs. */
  Constant,
  /** No ReLA phase: plain BYOL. */
  None
}
