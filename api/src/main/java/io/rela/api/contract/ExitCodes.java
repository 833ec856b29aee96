package io.rela.api.contract;

/**
 * The trainer's exit codes that mean "retrying cannot help": the operator's pod failure policy
 * fails the stage Job at once on each, and the status names the cause. Any other non-zero code
 * is an ordinary failure that Kubernetes retries up to spec.backoffLimit.
 */
public final class ExitCodes {

  /** A file or field the trainer cannot use; the message names it. */
  public static final int BAD_INPUT = 2;
  /** Training diverged: a loss that is NaN or infinite. */
  public static final int NON_FINITE_LOSS = 3;
  /**
   * The pod was given GPUs (spec.resources.gpus) and the trainer cannot use them: an engine
   * without CUDA, no driver, fewer devices than given, or a CUDA error at start. The trainer
   * never falls back to the CPU in that case.
   */
  public static final int GPU_UNAVAILABLE = 4;
  /**
   * The model image (spec.export.image) could not be pushed: refused credentials, an unreachable
   * or refusing registry. The evaluation and the export on the claim are kept.
   */
  public static final int MODEL_PUSH_FAILED = 5;

  /**
   * The environment variable through which the operator tells each stage's trainer how many
   * GPUs its pod was given (the nvidia.com/gpu limit): the embedding pod gets one, evaluation none.
   */
  public static final String GPUS_ENV = "RELA_GPUS";

  /**
   * Set instead of a non-zero {@link #GPUS_ENV} when the cluster's GPUs are simulated (the
   * operator's rela.trainer.simulated-gpus): how many the pod holds; the trainer runs on the CPU
   * and says so.
   */
  public static final String SIMULATED_GPUS_ENV = "RELA_SIMULATED_GPUS";

  private ExitCodes() {}
}
