package io.rela.operator.resources;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.CapabilitiesBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.rela.api.ReLATrainingJob;
import io.rela.api.contract.ExitCodes;
import io.rela.api.contract.Mounts;
import io.rela.api.contract.TrainerConfig;
import io.rela.api.spec.ResourcesSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The pieces of a trainer pod spec, each small enough to test on its own. */
public final class PodSpecs {

  public static final long TRAINER_UID = 10001L;
  public static final String GPU_RESOURCE = "nvidia.com/gpu";

  private PodSpecs() {}

  /** Non-root, RuntimeDefault seccomp, group-owned volumes: admitted by the restricted Pod Security level. */
  public static PodSecurityContext podSecurityContext() {
    return new PodSecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(TRAINER_UID)
        .withRunAsGroup(TRAINER_UID)
        .withFsGroup(TRAINER_UID)
        // re-own a volume only when its root is not the trainer's already: never a walk over a
        // whole dataset or workspace on every start
        .withFsGroupChangePolicy("OnRootMismatch")
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .build();
  }

  /** No privilege escalation, every capability dropped, read-only root filesystem. */
  public static SecurityContext containerSecurityContext() {
    Capabilities caps = new CapabilitiesBuilder().withDrop("ALL").build();
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withPrivileged(false)
        .withCapabilities(caps)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .build();
  }

  /**
   * The container's limits (= requests): CPU and memory, split between {@code share} pods (the
   * embedding shards, which together fit where the training pod fits); GPUs as the
   * nvidia.com/gpu limit, {@code maxGpus} capping spec.resources.gpus (0: none).
   */
  public static ResourceRequirements resources(ResourcesSpec spec, int maxGpus, int share) {
    Map<String, Quantity> limits = new LinkedHashMap<>();
    if (spec != null && spec.cpu != null) {
      limits.put("cpu", share <= 1 ? new Quantity(spec.cpu) : split(new Quantity(spec.cpu), share, 1000, "m"));
    }
    if (spec != null && spec.memory != null) {
      limits.put("memory", share <= 1 ? new Quantity(spec.memory) : split(new Quantity(spec.memory), share, 1.0 / (1 << 20), "Mi"));
    }
    if (maxGpus > 0 && spec != null && spec.gpus != null && spec.gpus > 0) {
      limits.put(GPU_RESOURCE, new Quantity(String.valueOf(Math.min(spec.gpus, maxGpus))));
    }
    return new ResourceRequirementsBuilder().withLimits(limits).withRequests(new LinkedHashMap<>(limits)).build();
  }

  /** {@code q / parts}, rounded down in {@code unit} ({@code perBase} units per base unit). */
  static Quantity split(Quantity q, int parts, double perBase, String unit) {
    long units = (long) Math.floor(q.getNumericalAmount().doubleValue() * perBase / parts);
    return new Quantity(Math.max(1, units) + unit);
  }

  /** Volumes: dataset (read-only), workspace, config, prior cache, prior job's workspace, /tmp. */
  public static List<Volume> volumes(ReLATrainingJob job, String priorJobClaim) {
    List<Volume> v = new ArrayList<>();
    if (job.getSpec().dataset.volume != null) {
      Volume data = new VolumeBuilder(job.getSpec().dataset.volume).withName("data").build();
      // the dataset is only ever read, whatever readOnly the spec wrote
      if (data.getPersistentVolumeClaim() != null) {
        data.getPersistentVolumeClaim().setReadOnly(true);
      }
      if (data.getNfs() != null) {
        data.getNfs().setReadOnly(true);
      }
      if (data.getCsi() != null) {
        data.getCsi().setReadOnly(true);
      }
      v.add(data);
    }
    v.add(new VolumeBuilder().withName("workspace")
        .withNewPersistentVolumeClaim(WorkspaceClaim.name(job), false).build());
    v.add(new VolumeBuilder().withName("config")
        .withNewConfigMap().withName(TrainerConfigMap.name(job)).endConfigMap().build());
    if (PriorCache.shared(job)) {
      v.add(new VolumeBuilder().withName("prior-cache")
          .withNewPersistentVolumeClaim(job.getSpec().prior.cacheClaimName, false).build());
    }
    if (priorJobClaim != null) {
      v.add(new VolumeBuilder().withName("prior-job").withNewPersistentVolumeClaim(priorJobClaim, true).build());
    }
    v.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());
    return v;
  }

  /** The MLflow token Secret (spec.tracking.mlflow.tokenSecretName), its key `token` only; none without one. */
  public static List<Volume> trackingToken(ReLATrainingJob job) {
    var t = job.getSpec().tracking;
    return t == null || t.mlflow == null ? List.of() : credentials("mlflow-token", t.mlflow.tokenSecretName, TrainerConfig.MLFLOW_TOKEN_KEY);
  }

  /** The registry credentials (spec.export.pushSecretName), its key .dockerconfigjson only; none without one. */
  public static List<Volume> registryAuth(ReLATrainingJob job) {
    var e = job.getSpec().export;
    return e == null ? List.of() : credentials("registry-auth", e.pushSecretName, TrainerConfig.REGISTRY_AUTH_KEY);
  }

  /** Volume {@code volume} of Secret {@code secret} holding its key {@code key} only, readable by the pod's group; none without a Secret. */
  private static List<Volume> credentials(String volume, String secret, String key) {
    if (secret == null) {
      return List.of();
    }
    return List.of(new VolumeBuilder().withName(volume).withNewSecret().withSecretName(secret)
        .addNewItem().withKey(key).withPath(key).endItem().withDefaultMode(0440).endSecret().build());
  }

  /** {@code workspaceReadOnly}: embedding pods that write into the shared cache claim only. */
  public static List<VolumeMount> mounts(List<Volume> volumes, boolean workspaceReadOnly) {
    List<VolumeMount> m = new ArrayList<>();
    for (Volume vol : volumes) {
      String path = switch (vol.getName()) {
        case "data" -> Mounts.DATA;
        case "workspace" -> Mounts.WORKSPACE;
        case "config" -> Mounts.CONFIG;
        case "prior-cache" -> Mounts.PRIOR_CACHE;
        case "prior-job" -> Mounts.PRIOR_JOB;
        case "mlflow-token" -> Mounts.MLFLOW_TOKEN;
        case "registry-auth" -> Mounts.REGISTRY_AUTH;
        default -> "/tmp";
      };
      boolean readOnly = vol.getName().equals("data") || vol.getName().equals("config") || vol.getName().equals("prior-job")
          || vol.getSecret() != null || (workspaceReadOnly && vol.getName().equals("workspace"));
      m.add(new VolumeMountBuilder().withName(vol.getName()).withMountPath(path).withReadOnly(readOnly).build());
    }
    return m;
  }

  /**
   * HOME and the DJL cache on the writable /tmp (the root filesystem is read-only), offline engine,
   * the GPUs given, and the pod's own {@code image} (a parameter of the job's MLflow run).
   */
  public static List<EnvVar> env(int gpus, boolean simulatedGpus, String image) {
    List<EnvVar> env = new ArrayList<>(List.of(
        new EnvVar("HOME", "/tmp", null),
        new EnvVar("DJL_CACHE_DIR", "/tmp/djl", null),
        new EnvVar("JAVA_TOOL_OPTIONS", "-Dai.djl.offline=true -XX:MaxRAMPercentage=75", null),
        // the GPUs this pod was given: the trainer uses exactly these or stops (never the CPU instead)
        new EnvVar(ExitCodes.GPUS_ENV, String.valueOf(simulatedGpus ? 0 : gpus), null),
        new EnvVar(TrainerConfig.IMAGE_ENV, image, null)));
    if (simulatedGpus && gpus > 0) {
      env.add(new EnvVar(ExitCodes.SIMULATED_GPUS_ENV, String.valueOf(gpus), null));
    }
    return env;
  }

  /** The nvidia.com/gpu limit of {@code resources}, 0 when there is none. */
  public static int gpus(ResourceRequirements resources) {
    Quantity q = resources.getLimits() == null ? null : resources.getLimits().get(GPU_RESOURCE);
    return q == null ? 0 : q.getNumericalAmount().intValue();
  }
}
