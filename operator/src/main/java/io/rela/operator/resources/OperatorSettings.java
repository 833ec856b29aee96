package io.rela.operator.resources;

/**
 * What the operator needs to know that a job does not say.
 *
 * @param trainerImage image of the trainer pods when a job names none and asks for no GPU
 * @param trainerCudaImage image of the trainer pods when a job names none and asks for GPUs: the
 *     same trainer with the CUDA build of libtorch
 * @param imagePullPolicy pull policy of the trainer pods
 * @param trainerMetricsPort port of the trainer's Prometheus endpoint
 * @param simulatedGpus the cluster's nvidia.com/gpu are simulated (a fake device plugin, to try
 *     quotas and queueing without GPUs): pods still request and hold them, but the trainer is
 *     told so, trains on the CPU and says it, and the default image is the CPU one
 */
public record OperatorSettings(String trainerImage, String trainerCudaImage, String imagePullPolicy, int trainerMetricsPort,
    boolean simulatedGpus) {

  public static OperatorSettings defaults() {
    return new OperatorSettings("rela/trainer:0.1.0", "rela/trainer:0.1.0-cuda", "IfNotPresent", 9090, false);
  }

  /** The default image for a pod given {@code gpus} GPUs. */
  public String trainerImage(int gpus) {
    return gpus > 0 && !simulatedGpus ? trainerCudaImage : trainerImage;
  }
}
