package io.rela.trainer.train;

/**
 * What one optimiser step produced.
 *
 * @param loss the phase's loss (without the classifier's)
 * @param correct online classifier hits in the batch
 */
public record StepResult(double loss, long correct) {}
