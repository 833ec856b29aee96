package io.rela.trainer.export;

import io.rela.api.contract.ExitCodes;

/**
 * The model image could not be pushed (refused credentials, an unreachable or refusing registry).
 * The trainer stops with {@link #EXIT_CODE}; the evaluation, its report and the export on the
 * claim are already written and stay.
 */
public final class ModelPushException extends RuntimeException {

  public static final int EXIT_CODE = ExitCodes.MODEL_PUSH_FAILED;

  public ModelPushException(String message, Throwable cause) {
    super(message, cause);
  }
}
