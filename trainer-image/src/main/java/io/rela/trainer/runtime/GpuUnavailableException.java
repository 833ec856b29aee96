package io.rela.trainer.runtime;

import io.rela.api.contract.ExitCodes;

/**
 * The process was given GPUs and cannot use them. The trainer stops (exit {@link #EXIT_CODE})
 * instead of training on the CPU for days; the operator reports it as GPUUnavailable.
 */
public final class GpuUnavailableException extends RuntimeException {

  public static final int EXIT_CODE = ExitCodes.GPU_UNAVAILABLE;

  public GpuUnavailableException(String message) {
    super(message);
  }
}
