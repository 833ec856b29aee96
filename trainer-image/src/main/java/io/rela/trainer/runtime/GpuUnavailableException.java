package io.rela.trainer.runtime;

/**
 * The process was given GPUs and cannot use them. The trainer stops (exit {@link io.rela.api.contract.ExitCodes#GPU_UNAVAILABLE})
 * instead of training on the CPU for days; the operator reports it as GPUUnavailable.
 */
public final class GpuUnavailableException extends RuntimeException {

  public GpuUnavailableException(String message) {
    super(message);
  }
}
