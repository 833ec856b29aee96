package io.rela.trainer.export;

/**
 * The model image could not be pushed (refused credentials, an unreachable or refusing registry).
 * The trainer stops with {@link io.rela.api.contract.ExitCodes#MODEL_PUSH_FAILED}; the evaluation, its report and the export on the
 * claim are already written and stay.
 */
public final class ModelPushException extends RuntimeException {

  public ModelPushException(String message, Throwable cause) {
    super(message, cause);
  }
}
