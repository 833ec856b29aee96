package io.rela.operator;

import io.micrometer.core.instrument.MeterRegistry;
import io.rela.operator.metrics.JobMetrics;
import io.rela.operator.resources.OperatorSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Wires the plain classes into the Quarkus application. */
@ApplicationScoped
public class Beans {

  @Produces
  @Singleton
  OperatorSettings settings(@ConfigProperty(name = "rela.trainer.image") String image,
      @ConfigProperty(name = "rela.trainer.cuda-image") String cudaImage,
      @ConfigProperty(name = "rela.trainer.image-pull-policy") String pullPolicy,
      @ConfigProperty(name = "rela.trainer.metrics-port") int metricsPort,
      @ConfigProperty(name = "rela.trainer.simulated-gpus", defaultValue = "false") boolean simulatedGpus) {
    if (simulatedGpus) {
      org.jboss.logging.Logger.getLogger(Beans.class).warn("rela.trainer.simulated-gpus is true: pods hold the nvidia.com/gpu"
          + " they request, and train on the CPU");
    }
    return new OperatorSettings(image, cudaImage, pullPolicy, metricsPort, simulatedGpus);
  }

  /**
   * One replica reconciles, holding this Lease in its own namespace; the others wait and take
   * over when it stops renewing (active in the prod profile: the chart's Deployment).
   */
  @Produces
  @Singleton
  io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration leaderElection(
      @ConfigProperty(name = "rela.leader-election.lease-name", defaultValue = "rela-operator-leader") String lease) {
    // the holder is named by its pod (HOSTNAME), so `kubectl get lease` says which replica leads
    return new io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration(lease, System.getenv("POD_NAMESPACE"),
        System.getenv("HOSTNAME"));
  }

  @Produces
  @Singleton
  JobMetrics jobMetrics(MeterRegistry registry) {
    return new JobMetrics(registry);
  }
}
