package io.rela.api.status;

/** Stages a ReLATrainingJob moves through. */
public enum Stage {
  Pending, Embedding, Training, Evaluating, Succeeded, Failed, Suspended;

  /** Whether the run has ended for good. */
  public boolean isFinal() {
    return this == Succeeded || this == Failed;
  }
}
