package io.rela.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.rela.api.ReLATrainingJob;
import io.rela.api.spec.DatasetFormat;
import io.rela.api.spec.DatasetSpec;
import io.rela.api.spec.PriorSpec;
import io.rela.api.spec.ReLATrainingJobSpec;
import io.rela.api.spec.ResourcesSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodSpecsTest {

  static ReLATrainingJob job() {
    ReLATrainingJob j = new ReLATrainingJob();
    j.getMetadata().setName("demo");
    j.getMetadata().setNamespace("ml");
    j.getMetadata().setUid("u-1");
    j.setSpec(new ReLATrainingJobSpec());
    j.getSpec().dataset = new DatasetSpec();
    j.getSpec().dataset.format = DatasetFormat.FashionMNIST;
    j.getSpec().dataset.path = "/data/fmnist";
    j.getSpec().dataset.volume = new VolumeBuilder().withName("ignored").withNewPersistentVolumeClaim("datasets", true).build();
    j.getSpec().prior = new PriorSpec();
    j.getSpec().prior.shards = 4;
    j.getSpec().backoffLimit = 2;
    return j;
  }

  @Test
  void gpusBecomeTheNvidiaLimitAndCpuMemoryAreRequestedAsLimited() {
    ResourcesSpec r = new ResourcesSpec();
    r.gpus = 2;
    r.cpu = "8";
    r.memory = "32Gi";
    var req = PodSpecs.resources(r, Integer.MAX_VALUE, 1);
    assertThat(req.getLimits()).containsEntry(PodSpecs.GPU_RESOURCE, new Quantity("2"))
        .containsEntry("cpu", new Quantity("8")).containsEntry("memory", new Quantity("32Gi"));
    assertThat(req.getRequests()).isEqualTo(req.getLimits());
    assertThat(PodSpecs.resources(r, 0, 1).getLimits()).doesNotContainKey(PodSpecs.GPU_RESOURCE);
    r.gpus = 0;
    assertThat(PodSpecs.resources(r, Integer.MAX_VALUE, 1).getLimits()).doesNotContainKey(PodSpecs.GPU_RESOURCE);
  }

  @Test
  void securityContextsAreRestricted() {
    var pod = PodSpecs.podSecurityContext();
    assertThat(pod.getRunAsNonRoot()).isTrue();
    assertThat(pod.getRunAsUser()).isNotZero();
    assertThat(pod.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var c = PodSpecs.containerSecurityContext();
    assertThat(c.getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(c.getCapabilities().getAdd()).isNullOrEmpty();
  }

  @Test
  void volumesMountTheDataReadOnlyAndAWritableTmp() {
    ReLATrainingJob j = job();
    var volumes = PodSpecs.volumes(j, "other-workspace");
    assertThat(volumes).extracting(v -> v.getName()).containsExactly("data", "workspace", "config", "prior-job", "tmp");
    assertThat(volumes.get(0).getPersistentVolumeClaim().getClaimName()).isEqualTo("datasets");
    assertThat(volumes.get(1).getPersistentVolumeClaim().getClaimName()).isEqualTo("demo-workspace");
    var mounts = PodSpecs.mounts(volumes, false);
    assertThat(mounts).filteredOn(m -> m.getName().equals("data")).singleElement()
        .satisfies(m -> assertThat(m.getReadOnly()).isTrue()).satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/data"));
    assertThat(mounts).filteredOn(m -> m.getName().equals("tmp")).singleElement()
        .satisfies(m -> assertThat(m.getReadOnly()).isFalse());
    j.getSpec().prior.cacheClaimName = "shared-cache";
    assertThat(PodSpecs.volumes(j, null)).extracting(v -> v.getName()).contains("prior-cache").doesNotContain("prior-job");
  }

  @Test
  void theEmbedJobIsIndexedOverTheShardsAndCarriesSpecQueueAsKueueLabels() {
    ReLATrainingJob j = job();
    j.getMetadata().setLabels(Map.of("kueue.x-k8s.io/queue-name", "ignored", "team", "vision"));
    j.getSpec().queue = new io.rela.api.spec.QueueSpec();
    j.getSpec().queue.name = "gpu";
    j.getSpec().queue.priorityClass = "research-high";
    var embed = StageJob.desired(j, StageJob.Kind.EMBED, OperatorSettings.defaults(), null);
    assertThat(embed.getMetadata().getName()).isEqualTo("demo-embed");
    assertThat(embed.getSpec().getCompletionMode()).isEqualTo("Indexed");
    assertThat(embed.getSpec().getCompletions()).isEqualTo(4);
    assertThat(embed.getSpec().getParallelism()).isEqualTo(4);
    assertThat(embed.getSpec().getSuspend()).isTrue();
    assertThat(embed.getSpec().getBackoffLimit()).isEqualTo(2);
    assertThat(embed.getMetadata().getLabels()).containsEntry("kueue.x-k8s.io/queue-name", "gpu")
        .containsEntry("kueue.x-k8s.io/priority-class", "research-high").doesNotContainKey("team");
    // Kueue queues the Job; its pods carry none of Kueue's labels (its pod integration must not take them)
    assertThat(embed.getSpec().getTemplate().getMetadata().getLabels()).noneSatisfy((k, v) -> assertThat(k).startsWith("kueue.x-k8s.io/"));
    var train = StageJob.desired(j, StageJob.Kind.TRAIN, OperatorSettings.defaults(), null);
    assertThat(train.getSpec().getCompletionMode()).isNull();
    assertThat(train.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("demo-trainer");
    assertThat(train.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .containsExactly("train", "--config", "/etc/rela/trainer-config.yaml");
  }

  /** The MLflow token reaches the training and evaluation pods (read-only, its key only), never the embedding pods. */
  @Test
  void theTrackingTokenIsMountedOnlyWhereTheTrackerIsWritten() {
    ReLATrainingJob j = job();
    j.getSpec().tracking = new io.rela.api.spec.TrackingSpec();
    j.getSpec().tracking.mlflow = new io.rela.api.spec.MlflowSpec();
    j.getSpec().tracking.mlflow.trackingUri = "http://mlflow:5000";
    j.getSpec().tracking.mlflow.experiment = "rela";
    j.getSpec().tracking.mlflow.tokenSecretName = "mlflow-token";
    j.getSpec().export = new io.rela.api.spec.ExportSpec();
    j.getSpec().export.image = "registry.example/models/demo:v1";
    j.getSpec().export.pushSecretName = "registry";
    for (var kind : StageJob.Kind.values()) {
      var pod = StageJob.desired(j, kind, OperatorSettings.defaults(), null).getSpec().getTemplate().getSpec();
      var token = pod.getVolumes().stream().filter(v -> v.getSecret() != null).toList();
      var mount = pod.getContainers().get(0).getVolumeMounts().stream().filter(m -> m.getName().equals("mlflow-token")).toList();
      if (kind == StageJob.Kind.EMBED) {
        assertThat(token).as("embed").isEmpty();
        assertThat(mount).isEmpty();
      } else {
        assertThat(token).as("%s", kind).filteredOn(v -> v.getName().equals("mlflow-token")).singleElement().satisfies(v -> {
          assertThat(v.getSecret().getSecretName()).isEqualTo("mlflow-token");
          assertThat(v.getSecret().getItems()).singleElement().satisfies(i -> assertThat(i.getKey()).isEqualTo("token"));
        });
        assertThat(mount).singleElement().satisfies(m -> {
          assertThat(m.getReadOnly()).isTrue();
          assertThat(m.getMountPath()).isEqualTo("/var/run/secrets/rela/mlflow");
        });
      }
      var registry = pod.getVolumes().stream().filter(v -> v.getName().equals("registry-auth")).toList();
      assertThat(registry).as("registry credentials in %s", kind).hasSize(kind == StageJob.Kind.EVAL ? 1 : 0);
      assertThat(pod.getContainers().get(0).getEnv()).anyMatch(e -> e.getName().equals("RELA_TRAINER_IMAGE")
          && e.getValue().equals(pod.getContainers().get(0).getImage()));
    }
  }

  /** Simulated GPUs (a fake device plugin): the pod still holds them, runs the CPU image, and is told. */
  @Test
  void simulatedGpusAreHeldButTheTrainerIsToldToUseTheCpu() {
    ReLATrainingJob j = job();
    j.getSpec().resources = new io.rela.api.spec.ResourcesSpec();
    j.getSpec().resources.gpus = 8;
    var real = OperatorSettings.defaults();
    var simulated = new OperatorSettings(real.trainerImage(), real.trainerCudaImage(), real.imagePullPolicy(), real.trainerMetricsPort(), true);
    for (var s : List.of(real, simulated)) {
      var c = StageJob.desired(j, StageJob.Kind.TRAIN, s, null).getSpec().getTemplate().getSpec().getContainers().get(0);
      assertThat(c.getResources().getLimits().get(PodSpecs.GPU_RESOURCE)).isEqualTo(new Quantity("8"));
      Map<String, String> env = new java.util.HashMap<>();
      c.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
      if (s.simulatedGpus()) {
        assertThat(c.getImage()).isEqualTo(real.trainerImage());
        assertThat(env).containsEntry("RELA_GPUS", "0").containsEntry("RELA_SIMULATED_GPUS", "8");
      } else {
        assertThat(c.getImage()).isEqualTo(real.trainerCudaImage());
        assertThat(env).containsEntry("RELA_GPUS", "8").doesNotContainKey("RELA_SIMULATED_GPUS");
      }
    }
  }

  /** The 8-GPU example, as the operator renders it: one GPU per embedding pod, all eight for training. */
  @Test
  void theImageNetExampleFitsOneEightGpuNode() throws Exception {
    ReLATrainingJob j = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
        java.nio.file.Files.newInputStream(io.rela.testinfra.Envtest.repoRoot().resolve("examples/imagenet-clip-prior.yaml")),
        ReLATrainingJob.class);
    j.getMetadata().setNamespace("ml");
    var embed = StageJob.desired(j, StageJob.Kind.EMBED, OperatorSettings.defaults(), null);
    var train = StageJob.desired(j, StageJob.Kind.TRAIN, OperatorSettings.defaults(), null);
    var eval = StageJob.desired(j, StageJob.Kind.EVAL, OperatorSettings.defaults(), null);
    int parallel = embed.getSpec().getParallelism();
    Quantity perPod = embed.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits().get(PodSpecs.GPU_RESOURCE);
    assertThat(perPod).isEqualTo(new Quantity("1"));
    assertThat(parallel * Integer.parseInt(perPod.getAmount())).as("GPUs the embedding pass asks for at once").isEqualTo(8);
    assertThat(train.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits())
        .containsEntry(PodSpecs.GPU_RESOURCE, new Quantity("8"));
    assertThat(eval.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits())
        .doesNotContainKey(PodSpecs.GPU_RESOURCE);
    // the eight embedding pods together ask for what the training pod asks for: one node's worth
    var embedLimits = embed.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits();
    var trainLimits = train.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits();
    assertThat(embedLimits.get("cpu").getNumericalAmount().multiply(java.math.BigDecimal.valueOf(parallel)))
        .isLessThanOrEqualTo(trainLimits.get("cpu").getNumericalAmount());
    assertThat(embedLimits.get("memory").getNumericalAmount().multiply(java.math.BigDecimal.valueOf(parallel)))
        .isLessThanOrEqualTo(trainLimits.get("memory").getNumericalAmount());
    assertThat(embedLimits).containsEntry("cpu", new Quantity("4000m")).containsEntry("memory", new Quantity("16384Mi"));
    // they write the shared cache claim, and only read the ReadWriteOnce workspace
    var mounts = embed.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts();
    assertThat(mounts).anySatisfy(m -> {
      assertThat(m.getName()).isEqualTo("workspace");
      assertThat(m.getReadOnly()).isTrue();
    });
    assertThat(mounts).anySatisfy(m -> {
      assertThat(m.getName()).isEqualTo("prior-cache");
      assertThat(m.getReadOnly()).isFalse();
    });
    assertThat(train.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts())
        .anySatisfy(m -> {
          assertThat(m.getName()).isEqualTo("workspace");
          assertThat(m.getReadOnly()).isFalse();
        });
  }

  /** Each stage's pod is told the GPUs it was given, and a pod given GPUs runs the -cuda image unless the job names one. */
  @Test
  void eachStageIsToldItsGpusAndGpuPodsGetTheCudaImage() {
    ReLATrainingJob j = job();
    j.getSpec().resources = new io.rela.api.spec.ResourcesSpec();
    j.getSpec().resources.gpus = 4;
    var settings = OperatorSettings.defaults();
    java.util.Map<StageJob.Kind, String> expected = java.util.Map.of(StageJob.Kind.EMBED, "1", StageJob.Kind.TRAIN, "4",
        StageJob.Kind.EVAL, "0");
    for (StageJob.Kind kind : StageJob.Kind.values()) {
      var c = StageJob.desired(j, kind, settings, null).getSpec().getTemplate().getSpec().getContainers().get(0);
      assertThat(c.getEnv()).as("%s", kind).anySatisfy(e -> {
        assertThat(e.getName()).isEqualTo("RELA_GPUS");
        assertThat(e.getValue()).isEqualTo(expected.get(kind));
      });
      assertThat(c.getImage()).as("%s", kind).isEqualTo(kind == StageJob.Kind.EVAL ? "rela/trainer:0.1.0" : "rela/trainer:0.1.0-cuda");
    }
    j.getSpec().image = "registry.example/ml/trainer:7";
    assertThat(StageJob.desired(j, StageJob.Kind.TRAIN, settings, null).getSpec().getTemplate().getSpec().getContainers().get(0)
        .getImage()).isEqualTo("registry.example/ml/trainer:7");
    j.getSpec().image = null;
    j.getSpec().resources.gpus = 0;
    for (StageJob.Kind kind : StageJob.Kind.values()) {
      assertThat(StageJob.desired(j, kind, settings, null).getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
          .isEqualTo("rela/trainer:0.1.0");
    }
  }

  @Test
  void badInputDivergenceUnusableGpusAndRefusedPushesFailTheJobAtOnceAndDisruptionsDoNotCount() {
    for (StageJob.Kind kind : StageJob.Kind.values()) {
      var spec = StageJob.desired(job(), kind, OperatorSettings.defaults(), null).getSpec();
      var rules = spec.getPodFailurePolicy().getRules();
      assertThat(rules).hasSize(2);
      assertThat(rules.get(0).getAction()).isEqualTo("FailJob");
      assertThat(rules.get(0).getOnExitCodes().getContainerName()).isEqualTo("trainer");
      assertThat(rules.get(0).getOnExitCodes().getValues()).containsExactly(2, 3, 4, 5);
      assertThat(rules.get(1).getAction()).isEqualTo("Ignore");
      assertThat(rules.get(1).getOnPodConditions()).singleElement()
          .satisfies(c -> assertThat(c.getType()).isEqualTo("DisruptionTarget"));
      assertThat(spec.getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
      assertThat(spec.getTemplate().getSpec().getContainers().get(0).getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    }
  }
}
