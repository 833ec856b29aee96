package io.rela.operator;

/**
 * What the operator needs to know that a job does not say.
 *
 * @param trainerImage image of the trainer pods when a job names none and asks for no GPU
 * @param trainerCudaImage image of the trainer pods when a job names none and asks for GPUs: the
 *     same trainer with the CUDA build of libtorch
 * @param imagePullPolicy pull policy of the trainer pods
 * @param trainerMetricsPort port of the trainer's Prometheus endpoint
 */
public record OperatorSettings(String trainerImage, String trainerCudaImage, String imagePullPolicy, int trainerMetricsPort) {

  public static OperatorSettings defaults() {
    return new OperatorSettings("rela/trainer:0.1.0", "rela/trainer:0.1.0-cuda", "IfNotPresent", 9090);
  }

  /** The default image for a pod given {@code gpus} GPUs. */
  public String trainerImage(int gpus) {
    return gpus > 0 ? trainerCudaImage : trainerImage;
  }
}
