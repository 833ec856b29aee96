package io.rela.operator;

/**
 * What the operator needs to know that a job does not say.
 *
 * @param trainerImage image of the trainer pods when a job names none
 * @param imagePullPolicy pull policy of the trainer pods
 * @param trainerMetricsPort port of the trainer's Prometheus endpoint
 */
public record OperatorSettings(String trainerImage, String imagePullPolicy, int trainerMetricsPort) {

  public static OperatorSettings defaults() {
    return new OperatorSettings("rela/trainer:0.1.0", "IfNotPresent", 9090);
  }
}
