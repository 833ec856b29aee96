package io.rela.trainer.train;

/**
 * Training diverged: a step's loss is NaN or infinite. Continuing would only write a useless
 * checkpoint over the last good one, so the trainer stops with its own exit code
 * ({@link io.rela.api.contract.ExitCodes#NON_FINITE_LOSS}) and says where, which the operator turns into the NonFiniteLoss condition.
 */
public final class NonFiniteLossException extends RuntimeException {

  public NonFiniteLossException(double loss, int epoch, long step, String phase) {
    super(String.format(java.util.Locale.ROOT, "non-finite loss (%s) in the %s phase at epoch %d, step %d: training"
        + " diverged; lower spec.training.learningRate or check the data and the prior's embeddings. The last good"
        + " checkpoint is kept.", loss, phase, epoch + 1, step));
  }
}
