package io.rela.api.spec;

/** Which randomly initialised network the {@code Random} prior is. */
public enum RandomPriorInit {
  /**
   * The student's own initial backbone (same architecture, same seed): a frozen copy of it, in
   * eval mode, embeds the data before training starts. This is the reference's "rand" prior.
   */
  Student,
  /** A network of the student's architecture initialised with a different seed. */
  Independent
}
