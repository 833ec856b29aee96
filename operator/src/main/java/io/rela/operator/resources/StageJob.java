package io.rela.operator.resources;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyBuilder;
import io.rela.api.ReLATrainingJob;
import io.rela.api.contract.ExitCodes;
import io.rela.api.contract.Mounts;
import io.rela.api.contract.TrainerConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The batch/v1 Job of one stage: {@code <job>-embed} (Indexed, one slice per pod),
 * {@code <job>-train} (GPUs, checkpoints, resumes) and {@code <job>-eval} (linear probe).
 */
public final class StageJob {

  /** The three stages, in order, with the trainer command each runs. */
  public enum Kind {
    EMBED("embed"), TRAIN("train"), EVAL("eval");

    public final String command;

    Kind(String command) {
      this.command = command;
    }
  }

  private StageJob() {}

  public static String name(ReLATrainingJob job, Kind kind) {
    return job.getMetadata().getName() + "-" + kind.command;
  }

  /**
   * Bad input (exit 2), a diverged run (exit 3) and unusable GPUs (exit 4) fail the Job at once:
   * retrying on the same node and spec cannot help.
   * Pods disrupted by preemption, eviction or a drain (condition DisruptionTarget) are retried
   * without counting against backoffLimit.
   */
  static PodFailurePolicy failurePolicy() {
    return new PodFailurePolicyBuilder()
        .addNewRule().withAction("FailJob")
        .withNewOnExitCodes().withContainerName("trainer").withOperator("In")
        .withValues(ExitCodes.BAD_INPUT, ExitCodes.NON_FINITE_LOSS, ExitCodes.GPU_UNAVAILABLE, ExitCodes.MODEL_PUSH_FAILED).endOnExitCodes().endRule()
        .addNewRule().withAction("Ignore")
        .addNewOnPodCondition().withType("DisruptionTarget").withStatus("True").endOnPodCondition().endRule()
        .build();
  }

  /** Annotation of a stage Job: the ReLATrainingJob's metadata.generation it was made from. */
  public static final String GENERATION = "rela.io/generation";

  /** The generation a stage Job was made from, or null for one made before this annotation. */
  public static Long generationOf(Job j) {
    String g = j.getMetadata().getAnnotations() == null ? null : j.getMetadata().getAnnotations().get(GENERATION);
    try {
      return g == null ? null : Long.valueOf(g);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Whether the job's spec changed (beyond spec.suspend) since {@code j} was made from it. */
  public static boolean madeFromAnotherSpec(Job j, java.util.function.Supplier<String> specHash) {
    String made = j.getMetadata().getAnnotations() == null ? null : j.getMetadata().getAnnotations().get(TrainerConfigMap.SPEC_HASH);
    return made != null && !made.equals(specHash.get());
  }

  public static Job desired(ReLATrainingJob job, Kind kind, OperatorSettings settings, String priorJobClaim) {
    return desired(job, kind, settings, priorJobClaim, TrainerConfigMap.specHash(job.getSpec()));
  }

  /** The stage Job, annotated with the spec digest the caller already computed. */
  public static Job desired(ReLATrainingJob job, Kind kind, OperatorSettings settings, String priorJobClaim, String specHash) {
    var spec = job.getSpec();
    // Kueue reads its labels on the Job; the pods carry only the operator's own
    Map<String, String> labels = new LinkedHashMap<>(Labels.kueue(job));
    labels.put(Labels.STAGE, kind.command);
    Map<String, String> podLabels = new LinkedHashMap<>(Labels.of(job));
    podLabels.put(Labels.STAGE, kind.command);
    List<Volume> volumes = new ArrayList<>(PodSpecs.volumes(job, priorJobClaim));
    if (kind != Kind.EMBED) {
      // only the stages that report to the tracker; the planner has checked the Secret is opened to jobs
      volumes.addAll(PodSpecs.trackingToken(job));
    }
    if (kind == Kind.EVAL) {
      // the registry's credentials: only the pod that pushes the model image
      volumes.addAll(PodSpecs.registryAuth(job));
    }
    List<String> args = new ArrayList<>(List.of(kind.command, "--config", Mounts.CONFIG + "/" + TrainerConfig.CONFIG_MAP_KEY));
    int shards = spec.prior != null && spec.prior.shards != null ? spec.prior.shards : 1;
    boolean suspended = Boolean.TRUE.equals(spec.suspend) || Labels.queuedByKueue(job);
    // an embedding pod embeds its slice on one GPU (spread the pass with prior.shards);
    // training takes every GPU of the job; evaluation runs on the CPU
    ResourceRequirements resources = PodSpecs.resources(spec.resources, switch (kind) {
      case EMBED -> 1;
      case TRAIN -> Integer.MAX_VALUE;
      case EVAL -> 0;
    }, kind == Kind.EMBED ? shards : 1);
    int gpus = PodSpecs.gpus(resources);
    String image = spec.image != null ? spec.image : settings.trainerImage(gpus);
    JobBuilder b = new JobBuilder()
        .withMetadata(Labels.metadata(job, name(job, kind), labels))
        .withNewSpec()
        .withSuspend(suspended)
        .withBackoffLimit(spec.backoffLimit)
        .withActiveDeadlineSeconds(spec.activeDeadlineSeconds)
        .withTtlSecondsAfterFinished(spec.ttlSecondsAfterFinished)
        .withNewTemplate()
        .withNewMetadata().withLabels(podLabels).endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withServiceAccountName(TrainerServiceAccount.name(job))
        .withSecurityContext(PodSpecs.podSecurityContext())
        .withNodeSelector(spec.nodeSelector)
        .withTolerations(spec.tolerations)
        .withAffinity(spec.affinity)
        .withPriorityClassName(spec.priorityClassName)
        .withVolumes(volumes)
        .withContainers(new ContainerBuilder()
            .withName("trainer")
            .withImage(image)
            .withImagePullPolicy(settings.imagePullPolicy())
            .withArgs(args)
            .withEnv(PodSpecs.env(gpus, settings.simulatedGpus(), image))
            .withPorts(settings.trainerMetricsPort() > 0
                ? List.of(new ContainerPortBuilder().withName("metrics").withContainerPort(settings.trainerMetricsPort()).build())
                : List.of())
            .withResources(resources)
            // the trainer's last words (a bad-input or divergence message) become the pod's termination message
            .withTerminationMessagePolicy("FallbackToLogsOnError")
            .withSecurityContext(PodSpecs.containerSecurityContext())
            // embedding pods write only the shared cache claim when there is one: the job's
            // ReadWriteOnce workspace is theirs to read
            .withVolumeMounts(PodSpecs.mounts(volumes, kind == Kind.EMBED && PriorCache.shared(job)))
            .build())
        .endSpec()
        .endTemplate()
        .endSpec();
    Job j = b.build();
    // which spec the Job was made from: an edit before its pods start re-creates it
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(GENERATION, String.valueOf(job.getMetadata().getGeneration() == null ? 0 : job.getMetadata().getGeneration()));
    annotations.put(TrainerConfigMap.SPEC_HASH, specHash);
    j.getMetadata().setAnnotations(annotations);
    j.getSpec().setPodFailurePolicy(failurePolicy());
    if (kind == Kind.EMBED) {
      j.getSpec().setCompletionMode("Indexed");
      j.getSpec().setCompletions(shards);
      j.getSpec().setParallelism(shards);
    }
    return j;
  }
}
