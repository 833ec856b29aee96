package io.rela.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.rela.api.ReLATrainingJob;
import io.rela.api.contract.ProgressReport;
import io.rela.api.status.Stage;
import io.rela.operator.resources.Labels;
import io.rela.operator.status.Conditions;
import io.rela.testinfra.Envtest;
import io.rela.testinfra.KubeApiServer;
import io.rela.testinfra.KubeApiServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The reconciler against a real kube-apiserver: stages, status, suspend, Kueue, failures, cache, RBAC, restarts. */
@ExtendWith(KubeApiServerExtension.class)
class ReconcilerApiServerTest {

  private static OperatorHarness op;

  @BeforeAll
  static void startOperator(KubeApiServer api) {
    op = new OperatorHarness(api);
  }

  @AfterAll
  static void stopOperator() {
    op.close();
  }

  private static void apply(String ns, String yaml) {
    op.api.applyYaml(ns, yaml).assertSuccess();
  }

  private static String quickJob(String name, String extra) {
    return """
        apiVersion: rela.io/v1alpha1
        kind: ReLATrainingJob
        metadata:
          name: %s
        spec:
          dataset:
            format: FashionMNIST
            path: /data/fashion-mnist
          model:
            backbone: convnet4
          training:
            epochs: 10
          rela:
            dataRatio: 0.5
        %s""".formatted(name, extra);
  }

  private static ProgressReport report(int epoch, String phase) {
    ProgressReport r = new ProgressReport();
    r.stage = io.rela.api.contract.TrainerStage.Training;
    r.epoch = epoch;
    r.totalEpochs = 10;
    r.phase = io.rela.api.contract.TrainingPhase.valueOf(phase);
    r.subsetRatio = 0.5;
    r.loss = -0.6123;
    r.samplesSeen = 3000L * epoch;
    r.samplesPerSecond = 412.3;
    r.switchedAtEpoch = "BYOL".equals(phase) ? 2 : null;
    r.priorDimension = 256;
    r.priorSamples = 60000L;
    return r;
  }

  @Test
  void fullStageWalk() throws Exception {
    String ns = op.namespace("walk", Map.of());
    op.claim(ns, "datasets", "read-only");
    op.api.kubectl("apply", "-n", ns, "-f", Envtest.repoRoot().resolve("examples/relajob-fashion-mnist.yaml").toString()).assertSuccess();
    String name = "fashion-mnist";

    Job embed = op.awaitBatchJob(ns, name + "-embed");
    assertThat(embed.getSpec().getCompletionMode()).isEqualTo("Indexed");
    assertThat(embed.getSpec().getCompletions()).isEqualTo(1);
    assertThat(embed.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("ReLATrainingJob"));
    for (String owned : List.of(name + "-config", name + "-progress")) {
      assertThat(op.client.configMaps().inNamespace(ns).withName(owned).get()).as(owned).isNotNull();
    }
    assertThat(op.client.serviceAccounts().inNamespace(ns).withName(name + "-trainer").get()).isNotNull();
    assertThat(op.client.rbac().roles().inNamespace(ns).withName(name + "-trainer").get()).isNotNull();
    assertThat(op.client.persistentVolumeClaims().inNamespace(ns).withName(name + "-workspace").get()).isNotNull();
    ReLATrainingJob j = op.awaitJob(ns, name, x -> x.getStatus() != null && x.getStatus().stage == Stage.Embedding);
    assertThat(j.getStatus().observedGeneration).isEqualTo(j.getMetadata().getGeneration());
    assertThat(Conditions.isTrue(j.getStatus().conditions, Conditions.PROGRESSING)).isTrue();

    op.completeJob(ns, name + "-embed");
    Job train = op.awaitBatchJob(ns, name + "-train");
    var container = train.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getArgs()).startsWith("train", "--config");
    assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
    op.awaitJob(ns, name, x -> x.getStatus().stage == Stage.Training);

    op.writeProgress(ns, name, report(3, "BYOL"));
    j = op.awaitJob(ns, name, x -> x.getStatus().progress != null && Integer.valueOf(3).equals(x.getStatus().progress.epoch));
    assertThat(j.getStatus().progress.epochOfTotal).isEqualTo("3/10");
    assertThat(j.getStatus().progress.phase).isEqualTo("BYOL");
    assertThat(j.getStatus().progress.switchedAtEpoch).isEqualTo(2);
    assertThat(j.getStatus().prior.dimension).isEqualTo(256);
    String table = op.api.kubectl("get", "relajob", name, "-n", ns).assertSuccess().stdout();
    assertThat(table).contains("Training").contains("BYOL").contains("3/10").contains("0.5").contains("-0.6123");

    op.completeJob(ns, name + "-train");
    op.awaitBatchJob(ns, name + "-eval");
    op.awaitJob(ns, name, x -> x.getStatus().stage == Stage.Evaluating);
    ProgressReport done = report(10, "BYOL");
    done.stage = io.rela.api.contract.TrainerStage.Done;
    done.linearProbeAccuracy = 0.8734;
    done.randomBaselineAccuracy = 0.7811;
    done.knnAccuracy = 0.8512;
    done.backboneExport = "/workspace/export";
    done.checkpoint = "/workspace/checkpoints/checkpoint-epoch-000010.bin";
    done.samplesProcessed = 30000L;
    done.fullDataEquivalentEpochs = 5.0;
    op.writeProgress(ns, name, done);
    op.completeJob(ns, name + "-eval");
    j = op.awaitJob(ns, name, x -> x.getStatus().stage == Stage.Succeeded);
    assertThat(j.getStatus().results.linearProbeAccuracy).isEqualTo(0.8734);
    assertThat(j.getStatus().results.checkpoint).endsWith("checkpoint-epoch-000010.bin");
    assertThat(j.getStatus().results.knnAccuracy).isEqualTo(0.8512);
    assertThat(j.getStatus().results.backboneExport).isEqualTo("/workspace/export");
    assertThat(j.getStatus().completionTime).isNotNull();
    assertThat(Conditions.isTrue(j.getStatus().conditions, Conditions.READY)).isTrue();
    assertThat(Conditions.isTrue(j.getStatus().conditions, Conditions.PROGRESSING)).isFalse();
    assertThat(op.api.kubectl("get", "relajob", name, "-n", ns).assertSuccess().stdout()).contains("Succeeded").contains("0.8734");
    String events = op.api.kubectl("get", "events", "-n", ns, "--field-selector", "involvedObject.name=" + name).assertSuccess().stdout();
    assertThat(events).contains("Embedding").contains("Training").contains("Evaluating").contains("Succeeded");
  }

  @Test
  void conditionTransitionTimesAreKeptWhenNothingChanges() throws Exception {
    String ns = op.namespace("stable", Map.of());
    apply(ns, quickJob("stable", ""));
    ReLATrainingJob j = op.awaitJob(ns, "stable", x -> x.getStatus() != null && x.getStatus().stage == Stage.Embedding);
    String since = j.getStatus().conditions.stream().filter(c -> c.getType().equals(Conditions.PROGRESSING)).findFirst().orElseThrow().getLastTransitionTime();
    String rv = j.getMetadata().getResourceVersion();
    // a no-op touch: a label change triggers a reconcile but no status change
    op.client.resources(ReLATrainingJob.class).inNamespace(ns).withName("stable").edit(x -> {
      x.getMetadata().getLabels().put("touched", "yes");
      return x;
    });
    Thread.sleep(1500);
    ReLATrainingJob after = op.job(ns, "stable");
    assertThat(after.getStatus().conditions.stream().filter(c -> c.getType().equals(Conditions.PROGRESSING)).findFirst().orElseThrow()
        .getLastTransitionTime()).isEqualTo(since);
    // one write for the label, none for the status
    assertThat(Long.parseLong(after.getMetadata().getResourceVersion())).isGreaterThan(Long.parseLong(rv));
    assertThat(after.getStatus()).isEqualTo(j.getStatus());
  }

  @Test
  void plainByolSkipsTheEmbeddingStage() throws Exception {
    String ns = op.namespace("byol", Map.of());
    apply(ns, quickJob("byol", "").replace("    dataRatio: 0.5\n", "    dataRatio: 0.5\n    schedule: None\n"));
    op.awaitBatchJob(ns, "byol-train");
    assertThat(op.client.batch().v1().jobs().inNamespace(ns).withName("byol-embed").get()).isNull();
    op.awaitJob(ns, "byol", j -> j.getStatus() != null && j.getStatus().stage == io.rela.api.status.Stage.Training);
  }

  @Test
  void podsOfEveryStagePassTheRestrictedPodSecurityLevel() throws Exception {
    String ns = op.namespace("restricted", Map.of("pod-security.kubernetes.io/enforce", "restricted"));
    apply(ns, quickJob("secure", ""));
    Job embed = op.awaitBatchJob(ns, "secure-embed");
    op.completeJob(ns, "secure-embed");
    Job train = op.awaitBatchJob(ns, "secure-train");
    op.completeJob(ns, "secure-train");
    Job eval = op.awaitBatchJob(ns, "secure-eval");
    for (Job job : List.of(embed, train, eval)) {
      Pod pod = new PodBuilder().withNewMetadata().withName(job.getMetadata().getName() + "-dry").endMetadata()
          .withSpec(job.getSpec().getTemplate().getSpec()).build();
      Pod admitted = op.client.pods().inNamespace(ns).resource(pod).dryRun().create();
      assertThat(admitted.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    }
    // and the namespace really enforces: a root, privileged pod is refused
    Pod bad = new PodBuilder().withNewMetadata().withName("bad").endMetadata().withNewSpec()
        .addNewContainer().withName("c").withImage("busybox").withNewSecurityContext().withPrivileged(true).endSecurityContext().endContainer()
        .endSpec().build();
    try {
      op.client.pods().inNamespace(ns).resource(bad).dryRun().create();
      throw new AssertionError("a privileged pod was admitted");
    } catch (KubernetesClientException e) {
      assertThat(e.getCode()).isEqualTo(403);
      assertThat(e.getMessage()).contains("violates PodSecurity \"restricted");
    }
  }

  @Test
  void aSharedPriorCacheHitSkipsTheEmbeddingStage() throws Exception {
    String ns = op.namespace("cache", Map.of());
    op.claim(ns, "prior-cache", "read-write");
    String cache = "  prior:\n    cacheClaimName: prior-cache\n";
    apply(ns, quickJob("first", cache));
    op.throughEmbedding(ns, "first");
    await().atMost(Duration.ofSeconds(10)).until(() -> op.client.configMaps().inNamespace(ns).withName("rela-prior-cache-index").get() != null);

    apply(ns, quickJob("second", cache));
    op.awaitBatchJob(ns, "second-train");
    assertThat(op.client.batch().v1().jobs().inNamespace(ns).withName("second-embed").get()).isNull();
    ReLATrainingJob second = op.awaitJob(ns, "second", x -> x.getStatus() != null && x.getStatus().stage == Stage.Training);
    assertThat(second.getStatus().prior.reused).isTrue();
    assertThat(second.getStatus().prior.indexKey).isNotNull().isEqualTo(op.job(ns, "first").getStatus().prior.indexKey);
    // a different prior seed is a different key: no hit
    apply(ns, quickJob("third", cache.replace("prior:\n", "prior:\n    inputSize: 32\n")));
    op.awaitBatchJob(ns, "third-embed");
  }

  @Test
  void aJobPriorIsIdentifiedByItsSourceUidAndTheTrainerChoosesTheCacheKey() throws Exception {
    String ns = op.namespace("transport", Map.of());
    apply(ns, quickJob("source", ""));
    op.throughEmbedding(ns, "source");
    op.completeJob(ns, "source-train");
    op.awaitBatchJob(ns, "source-eval");
    ProgressReport done = report(10, "BYOL");
    done.stage = io.rela.api.contract.TrainerStage.Done;
    done.linearProbeAccuracy = 0.8;
    done.checkpoint = "/workspace/checkpoints/checkpoint-epoch-000010.bin";
    op.writeProgress(ns, "source", done);
    op.completeJob(ns, "source-eval");
    ReLATrainingJob source = op.awaitJob(ns, "source", x -> x.getStatus().stage == Stage.Succeeded);
    apply(ns, quickJob("student", "  prior:\n    type: Job\n    jobRef:\n      name: source\n"));
    op.awaitBatchJob(ns, "student-embed");
    String yaml = op.client.configMaps().inNamespace(ns).withName("student-config").get().getData()
        .get(io.rela.api.contract.TrainerConfig.CONFIG_MAP_KEY);
    var config = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
        .readValue(yaml, io.rela.api.contract.TrainerConfig.class);
    assertThat(config.priorJobUid).isEqualTo(source.getMetadata().getUid());
    assertThat(config.priorCheckpoint).endsWith("checkpoint-epoch-000010.bin");
    assertThat(config.priorCacheKey).as("the trainer keys the cache by content").isNull();
  }

  @Test
  void aJobPriorWhoseSourceIsDeletedSaysSoAtOnce() throws Exception {
    String ns = op.namespace("orphan", Map.of());
    apply(ns, quickJob("teacher", ""));
    apply(ns, quickJob("pupil", "  prior:\n    type: Job\n    jobRef:\n      name: teacher\n"));
    op.awaitJob(ns, "pupil", x -> x.getStatus() != null && conditionReason(x, Conditions.PROGRESSING).equals("PriorJobNotReady"));
    op.client.resources(ReLATrainingJob.class).inNamespace(ns).withName("teacher").delete();
    // woken by the source's deletion, not by a poll
    ReLATrainingJob pupil = op.awaitJob(ns, "pupil", x -> conditionReason(x, Conditions.PROGRESSING).equals("PriorJobNotFound"));
    assertThat(pupil.getStatus().conditions).anySatisfy(c -> assertThat(c.getMessage()).contains("ReLATrainingJob teacher")
        .contains("does not exist"));
    assertThat(op.client.batch().v1().jobs().inNamespace(ns).withName("pupil-embed").get()).isNull();
  }

  @Test
  void claimsAreMountedOnlyWhenTheirOwnersOpenedThem() throws Exception {
    String ns = op.namespace("claims", Map.of());
    op.claim(ns, "team-data", null);
    op.claim(ns, "someone-elses-workspace", "read-only");
    apply(ns, quickJob("borrower", "  workspace:\n    claimName: someone-elses-workspace\n").replace("    path: /data/fashion-mnist\n",
        "    path: /data/fashion-mnist\n    volume:\n      persistentVolumeClaim: {claimName: team-data, readOnly: false}\n"));
    ReLATrainingJob j = op.awaitJob(ns, "borrower", x -> conditionReason(x, Conditions.PROGRESSING).equals("ClaimNotAllowed"));
    assertThat(j.getStatus().conditions).anySatisfy(c -> assertThat(c.getMessage())
        .contains("PersistentVolumeClaim team-data (needs read-only, not labelled or not found)")
        .contains("PersistentVolumeClaim someone-elses-workspace (needs read-write, labelled read-only)")
        .contains("rela.io/trainer-access"));
    assertThat(op.client.batch().v1().jobs().inNamespace(ns).list().getItems()).isEmpty();
    // the owners open both: the label change wakes the job, whose dataset is mounted read-only whatever it asked
    op.claim(ns, "team-data", "read-only");
    op.claim(ns, "someone-elses-workspace", "read-write");
    Job embed = op.awaitBatchJob(ns, "borrower-embed");
    var data = embed.getSpec().getTemplate().getSpec().getVolumes().stream().filter(v -> v.getName().equals("data")).findFirst().orElseThrow();
    assertThat(data.getPersistentVolumeClaim().getReadOnly()).isTrue();
    assertThat(embed.getSpec().getTemplate().getSpec().getSecurityContext().getFsGroupChangePolicy()).isEqualTo("OnRootMismatch");
  }

  /**
   * The MLflow token Secret a job names reaches its training pod only once the Secret's owners
   * labelled it; until then the job waits with a condition naming the Secret. The operator only
   * gets Secrets by name (no list or watch): a label is seen at the next look.
   */
  @Test
  void aTrackingTokenSecretIsMountedOnlyWhenItsOwnersOpenedIt() throws Exception {
    String ns = op.namespace("tracked", Map.of());
    op.client.secrets().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
        .withName("mlflow-token").endMetadata().addToStringData("token", "s3cret").build()).create();
    apply(ns, quickJob("tracked", "  tracking:\n    mlflow: {trackingUri: 'http://mlflow.ml:5000', experiment: rela,"
        + " tokenSecretName: mlflow-token}\n"));
    Job embed = op.awaitBatchJob(ns, "tracked-embed");
    assertThat(embed.getSpec().getTemplate().getSpec().getVolumes()).noneMatch(v -> v.getSecret() != null);
    op.completeJob(ns, "tracked-embed");
    ReLATrainingJob j = op.awaitJob(ns, "tracked", x -> conditionReason(x, Conditions.PROGRESSING).equals("SecretNotAllowed"));
    assertThat(j.getStatus().conditions).anySatisfy(c -> assertThat(c.getMessage())
        .contains("Secret mlflow-token (spec.tracking.mlflow.tokenSecretName; not labelled or not found)")
        .contains("rela.io/trainer-access=credentials"));
    assertThat(op.client.batch().v1().jobs().inNamespace(ns).withName("tracked-train").get()).isNull();
    op.client.secrets().inNamespace(ns).withName("mlflow-token").edit(s -> {
      s.getMetadata().setLabels(Map.of("rela.io/trainer-access", "credentials"));
      return s;
    });
    // any change to the job is a look (else the next periodic one)
    op.client.resources(ReLATrainingJob.class).inNamespace(ns).withName("tracked").edit(x -> {
      x.getMetadata().setAnnotations(Map.of("example.com/poke", "1"));
      return x;
    });
    Job train = op.awaitBatchJob(ns, "tracked-train");
    var pod = train.getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes()).filteredOn(v -> v.getSecret() != null).singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("mlflow-token"));
    assertThat(pod.getContainers().get(0).getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/var/run/secrets/rela/mlflow")
        && Boolean.TRUE.equals(m.getReadOnly()));
  }

  private static String conditionReason(ReLATrainingJob j, String type) {
    return j.getStatus() == null || j.getStatus().conditions == null ? "" : j.getStatus().conditions.stream()
        .filter(c -> type.equals(c.getType())).map(c -> c.getReason()).findFirst().orElse("");
  }

  @Test
  void suspendAndResume() throws Exception {
    String ns = op.namespace("suspend", Map.of());
    apply(ns, quickJob("pausable", ""));
    op.throughEmbedding(ns, "pausable");
    op.client.resources(ReLATrainingJob.class).inNamespace(ns).withName("pausable").edit(x -> {
      x.getSpec().suspend = true;
      return x;
    });
    ReLATrainingJob j = op.awaitJob(ns, "pausable", x -> x.getStatus().stage == Stage.Suspended);
    assertThat(Conditions.isTrue(j.getStatus().conditions, Conditions.SUSPENDED)).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() ->
        Boolean.TRUE.equals(op.client.batch().v1().jobs().inNamespace(ns).withName("pausable-train").get().getSpec().getSuspend()));
    op.client.resources(ReLATrainingJob.class).inNamespace(ns).withName("pausable").edit(x -> {
      x.getSpec().suspend = false;
      return x;
    });
    op.awaitJob(ns, "pausable", x -> x.getStatus().stage == Stage.Training);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        Boolean.FALSE.equals(op.client.batch().v1().jobs().inNamespace(ns).withName("pausable-train").get().getSpec().getSuspend()));
  }

  @Test
  void queuedJobsAreCreatedSuspendedForKueueToAdmit() throws Exception {
    String ns = op.namespace("kueue", Map.of());
    apply(ns, quickJob("queued", "  queue: {name: team-a, priorityClass: research}\n"));
    Job embed = op.awaitBatchJob(ns, "queued-embed");
    assertThat(embed.getSpec().getSuspend()).isTrue();
    assertThat(embed.getMetadata().getLabels()).containsEntry("kueue.x-k8s.io/queue-name", "team-a")
        .containsEntry("kueue.x-k8s.io/priority-class", "research");
    ReLATrainingJob j = op.awaitJob(ns, "queued", x -> x.getStatus() != null && x.getStatus().stage == Stage.Suspended);
    assertThat(j.getStatus().conditions).anyMatch(c -> c.getType().equals(Conditions.SUSPENDED) && c.getReason().equals(Conditions.Reason.QUEUED));
    // Kueue admits the workload by unsuspending the Job; the operator does not fight it
    op.client.batch().v1().jobs().inNamespace(ns).withName("queued-embed").edit(x -> {
      x.getSpec().setSuspend(false);
      return x;
    });
    op.awaitJob(ns, "queued", x -> x.getStatus().stage == Stage.Embedding);
    assertThat(op.client.batch().v1().jobs().inNamespace(ns).withName("queued-embed").get().getSpec().getSuspend()).isFalse();
  }

  @Test
  void aFailedStageBecomesAFailedConditionThatSaysWhatAndWhere() throws Exception {
    String ns = op.namespace("failing", Map.of());
    apply(ns, quickJob("crash", ""));
    Job train = op.throughEmbedding(ns, "crash");
    op.terminatedPod(ns, train, 1, "Error");
    op.failJob(ns, "crash-train", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
    ReLATrainingJob j = op.awaitJob(ns, "crash", x -> x.getStatus().stage == Stage.Failed);
    var failed = j.getStatus().conditions.stream().filter(c -> c.getType().equals(Conditions.FAILED)).findFirst().orElseThrow();
    assertThat(failed.getStatus()).isEqualTo("True");
    assertThat(failed.getReason()).isEqualTo(Conditions.Reason.STAGE_FAILED);
    assertThat(failed.getMessage()).contains("crash-train").contains("BackoffLimitExceeded").contains("exit code 1")
        .contains("kubectl logs -n failing job/crash-train");
    // no hot loop: the failed run stays failed and nothing new is created
    String rv = j.getMetadata().getResourceVersion();
    Thread.sleep(2000);
    assertThat(op.job(ns, "crash").getMetadata().getResourceVersion()).isEqualTo(rv);
    assertThat(op.client.batch().v1().jobs().inNamespace(ns).withName("crash-eval").get()).isNull();
  }

  @Test
  void anOomKillFailsTheStageAtOnceAndStopsItsRetries() throws Exception {
    String ns = op.namespace("oom", Map.of());
    apply(ns, quickJob("oom", ""));
    Job train = op.throughEmbedding(ns, "oom");
    op.terminatedPod(ns, train, 137, "OOMKilled");
    ReLATrainingJob j = op.awaitJob(ns, "oom", x -> x.getStatus().stage == Stage.Failed);
    var failed = j.getStatus().conditions.stream().filter(c -> c.getType().equals(Conditions.FAILED)).findFirst().orElseThrow();
    assertThat(failed.getReason()).isEqualTo(Conditions.Reason.OOM_KILLED);
    assertThat(failed.getMessage()).contains("oom-train-x1").contains("kubectl logs -n oom oom-train-x1").contains("spec.resources.memory");
    // the Job controller fails the stage on the pod it already has (kept with its logs) instead of retrying
    assertThat(op.client.batch().v1().jobs().inNamespace(ns).withName("oom-train").get().getSpec().getBackoffLimit()).isZero();
  }

  @Test
  void anImagePullFailureIsAConditionThenFailsTheJobAndSuspendsTheStage() throws Exception {
    String ns = op.namespace("pull", Map.of());
    apply(ns, quickJob("badimage", "  image: registry.invalid/nope:1\n  imagePullGracePeriodSeconds: 4\n"));
    Job embed = op.awaitBatchJob(ns, "badimage-embed");
    Pod pod = op.createPodOf(ns, embed, "badimage-embed-0-x");
    pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Pending")
        .addNewContainerStatus().withName("trainer").withImage("registry.invalid/nope:1").withImageID("").withReady(false).withRestartCount(0)
        .withNewState().withNewWaiting().withReason("ImagePullBackOff").withMessage("Back-off pulling image").endWaiting().endState()
        .endContainerStatus().build());
    op.client.pods().inNamespace(ns).resource(pod).updateStatus();
    // first a condition while Kubernetes retries, the stage still Embedding
    ReLATrainingJob waiting = op.awaitJob(ns, "badimage", x -> x.getStatus().conditions != null && x.getStatus().conditions.stream()
        .anyMatch(c -> c.getType().equals(Conditions.PROGRESSING) && Conditions.Reason.IMAGE_PULL.equals(c.getReason())));
    assertThat(waiting.getStatus().stage).isEqualTo(Stage.Embedding);
    // then, the grace period over (with no further change to wake the operator), Failed, and the Job suspended
    ReLATrainingJob j = op.awaitJob(ns, "badimage", x -> x.getStatus().stage == Stage.Failed);
    assertThat(j.getStatus().conditions).anyMatch(c -> c.getType().equals(Conditions.FAILED) && c.getReason().equals(Conditions.Reason.IMAGE_PULL)
        && c.getMessage().contains("registry.invalid/nope:1") && c.getMessage().contains("spec.image")
        && c.getMessage().contains("imagePullGracePeriodSeconds"));
    assertThat(op.client.batch().v1().jobs().inNamespace(ns).withName("badimage-embed").get().getSpec().getSuspend()).isTrue();
  }

  @Test
  void aReconcileThatThrowsIsAConditionUntilTheNextGoodOne() throws Exception {
    String ns = op.namespace("throws", Map.of());
    // the schema takes any string map; the API server refuses the Job the operator derives from it
    apply(ns, quickJob("badselector", "  nodeSelector:\n    \"bad key!\": \"x\"\n"));
    ReLATrainingJob j = op.awaitJob(ns, "badselector", x -> x.getStatus() != null && x.getStatus().conditions != null
        && x.getStatus().conditions.stream().anyMatch(c -> c.getType().equals(Conditions.RECONCILE_ERROR)));
    var error = j.getStatus().conditions.stream().filter(c -> c.getType().equals(Conditions.RECONCILE_ERROR)).findFirst().orElseThrow();
    assertThat(error.getStatus()).isEqualTo("True");
    assertThat(error.getReason()).isEqualTo("Invalid");
    assertThat(error.getMessage()).contains("nodeSelector").contains("bad key!");
    op.client.resources(ReLATrainingJob.class).inNamespace(ns).withName("badselector").edit(x -> {
      x.getSpec().nodeSelector = Map.of("pool", "gpu");
      return x;
    });
    ReLATrainingJob fixed = op.awaitJob(ns, "badselector", x -> x.getStatus().conditions.stream()
        .noneMatch(c -> c.getType().equals(Conditions.RECONCILE_ERROR)));
    assertThat(fixed.getStatus().stage).isEqualTo(Stage.Embedding);
  }

  @Test
  void anOperatorRestartMidJobCreatesNothingTwice() throws Exception {
    String ns = op.namespace("restart", Map.of());
    apply(ns, quickJob("survivor", ""));
    Job train = op.throughEmbedding(ns, "survivor");
    op.awaitJob(ns, "survivor", x -> x.getStatus().stage == Stage.Training);
    ConfigMap config = op.client.configMaps().inNamespace(ns).withName("survivor-config").get();
    op.restart();
    op.writeProgress(ns, "survivor", report(4, "ReLA"));
    op.awaitJob(ns, "survivor", x -> x.getStatus().progress != null && Integer.valueOf(4).equals(x.getStatus().progress.epoch));
    List<Job> jobs = op.client.batch().v1().jobs().inNamespace(ns).withLabel(Labels.JOB, "survivor").list().getItems();
    assertThat(jobs).extracting(x -> x.getMetadata().getName()).containsExactlyInAnyOrder("survivor-embed", "survivor-train");
    assertThat(op.client.batch().v1().jobs().inNamespace(ns).withName("survivor-train").get().getMetadata().getUid())
        .isEqualTo(train.getMetadata().getUid());
    assertThat(op.client.configMaps().inNamespace(ns).withName("survivor-config").get().getMetadata().getResourceVersion())
        .isEqualTo(config.getMetadata().getResourceVersion());
    assertThat(op.client.configMaps().inNamespace(ns).withLabel(Labels.JOB, "survivor").list().getItems()).hasSize(2);
  }

  @Test
  void aSpecChangeWhileTrainingIsRefusedNotRestarted() throws Exception {
    String ns = op.namespace("respec", Map.of());
    apply(ns, quickJob("steady", ""));
    Job train = op.throughEmbedding(ns, "steady");
    // training has started: its pod runs (a stage whose pods never ran would take the edit instead)
    op.runningPod(ns, train);
    await().atMost(Duration.ofSeconds(15)).until(() -> !op.client.pods().inNamespace(ns).withLabel("rela.io/stage", "train").list()
        .getItems().isEmpty());
    String config = op.client.configMaps().inNamespace(ns).withName("steady-config").get().getData().values().iterator().next();
    op.client.resources(ReLATrainingJob.class).inNamespace(ns).withName("steady").edit(x -> {
      x.getSpec().training.epochs = 50;
      return x;
    });
    await().atMost(Duration.ofSeconds(15)).until(() -> op.api.kubectl("get", "events", "-n", ns).stdout().contains(Conditions.Reason.SPEC_CHANGE_REFUSED));
    assertThat(op.client.batch().v1().jobs().inNamespace(ns).withName("steady-train").get().getMetadata().getUid()).isEqualTo(train.getMetadata().getUid());
    assertThat(op.client.configMaps().inNamespace(ns).withName("steady-config").get().getData().values().iterator().next()).isEqualTo(config);
    // the config stays frozen when the eval stage starts: the refused change never reaches a pod
    op.completeJob(ns, "steady-train");
    op.awaitBatchJob(ns, "steady-eval");
    assertThat(op.client.configMaps().inNamespace(ns).withName("steady-config").get().getData().values().iterator().next()).isEqualTo(config);
    op.completeJob(ns, "steady-eval");
    op.awaitJob(ns, "steady", x -> x.getStatus().stage == Stage.Succeeded);
    assertThat(op.client.configMaps().inNamespace(ns).withName("steady-config").get().getData().values().iterator().next())
        .as("the run ended on the config it started with").isEqualTo(config);
  }

  /** The GitOps fix: an edit to a stage whose pods never ran re-creates its Job from the new spec. */
  @Test
  void anEditToAStageThatNeverRanReCreatesItsJob() throws Exception {
    String ns = op.namespace("reapply", Map.of());
    apply(ns, quickJob("pending", ""));
    Job train = op.throughEmbedding(ns, "pending");
    op.client.resources(ReLATrainingJob.class).inNamespace(ns).withName("pending").edit(x -> {
      x.getSpec().resources = new io.rela.api.spec.ResourcesSpec();
      x.getSpec().resources.cpu = "1";
      return x;
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      Job j = op.client.batch().v1().jobs().inNamespace(ns).withName("pending-train").get();
      return j != null && !j.getMetadata().getUid().equals(train.getMetadata().getUid());
    });
    Job remade = op.client.batch().v1().jobs().inNamespace(ns).withName("pending-train").get();
    assertThat(remade.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits().get("cpu").toString())
        .isEqualTo("1");
    assertThat(remade.getMetadata().getAnnotations()).containsEntry("rela.io/generation", "2");
    await().atMost(Duration.ofSeconds(15)).until(() -> op.api.kubectl("get", "events", "-n", ns).stdout()
        .contains(Conditions.Reason.SPEC_APPLIED));
    assertThat(op.api.kubectl("get", "events", "-n", ns).stdout()).doesNotContain(Conditions.Reason.SPEC_CHANGE_REFUSED);
  }

  @Test
  void aFailedJobIsRetriedOncePerAnnotationValueKeepingItsWorkspace() throws Exception {
    String ns = op.namespace("retry", Map.of());
    apply(ns, quickJob("again", ""));
    Job train = op.throughEmbedding(ns, "again");
    op.terminatedPod(ns, train, 1, "Error");
    op.failJob(ns, "again-train", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
    op.awaitJob(ns, "again", x -> x.getStatus().stage == Stage.Failed);
    String claimUid = op.client.persistentVolumeClaims().inNamespace(ns).withName("again-workspace").get().getMetadata().getUid();
    op.api.kubectl("annotate", "relajob", "again", "-n", ns, "rela.io/retry=1").assertSuccess();
    ReLATrainingJob retried = op.awaitJob(ns, "again", x -> "1".equals(x.getStatus().retriedFor) && x.getStatus().stage == Stage.Training);
    Job second = op.awaitBatchJob(ns, "again-train");
    await().atMost(Duration.ofSeconds(15)).until(() -> {
      Job j = op.client.batch().v1().jobs().inNamespace(ns).withName("again-train").get();
      return j != null && !j.getMetadata().getUid().equals(train.getMetadata().getUid());
    });
    assertThat(retried.getStatus().completionTime).isNull();
    assertThat(op.client.batch().v1().jobs().inNamespace(ns).withName("again-embed").get()).as("the completed stage is kept").isNotNull();
    assertThat(op.client.persistentVolumeClaims().inNamespace(ns).withName("again-workspace").get().getMetadata().getUid())
        .as("same workspace, so the stage resumes from its checkpoints").isEqualTo(claimUid);
    assertThat(op.api.kubectl("get", "events", "-n", ns).stdout()).contains(Conditions.Reason.RETRYING);
    // failing again: the same annotation value does not retry a second time
    Job third = op.client.batch().v1().jobs().inNamespace(ns).withName("again-train").get();
    op.client.pods().inNamespace(ns).withName("again-train-x1").withGracePeriod(0).delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> op.client.pods().inNamespace(ns).withName("again-train-x1").get() == null);
    op.terminatedPod(ns, third, 1, "Error");
    op.failJob(ns, "again-train", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
    op.awaitJob(ns, "again", x -> x.getStatus().stage == Stage.Failed);
    Thread.sleep(2000);
    assertThat(op.job(ns, "again").getStatus().stage).isEqualTo(Stage.Failed);
    assertThat(op.client.batch().v1().jobs().inNamespace(ns).withName("again-train").get().getMetadata().getUid())
        .isEqualTo(third.getMetadata().getUid());
  }

  @Test
  void aRetainedWorkspaceOutlivesItsJobAndIsTakenUpByTheNextOfThatName() throws Exception {
    String ns = op.namespace("retain", Map.of());
    op.api.controllerManager(io.rela.testinfra.ControllerManager.GC_ONLY);
    apply(ns, quickJob("kept", "  workspace:\n    retain: true\n"));
    op.awaitBatchJob(ns, "kept-embed");
    var claim = op.client.persistentVolumeClaims().inNamespace(ns).withName("kept-workspace").get();
    assertThat(claim.getMetadata().getOwnerReferences()).as("no owner: the garbage collector leaves it").isNullOrEmpty();
    op.client.resources(ReLATrainingJob.class).inNamespace(ns).withName("kept").delete();
    await().atMost(Duration.ofSeconds(15)).until(() -> op.job(ns, "kept") == null
        && op.client.batch().v1().jobs().inNamespace(ns).withName("kept-embed").get() == null);
    apply(ns, quickJob("kept", "  workspace:\n    retain: true\n"));
    op.awaitBatchJob(ns, "kept-embed");
    assertThat(op.client.persistentVolumeClaims().inNamespace(ns).withName("kept-workspace").get().getMetadata().getUid())
        .isEqualTo(claim.getMetadata().getUid());
    assertThat(op.job(ns, "kept").getStatus().conditions).noneMatch(c -> Conditions.Reason.NAME_CONFLICT.equals(c.getReason()));
  }

  @Test
  void noFinalizerSoAJobIsDeletedEvenWithTheOperatorGone() throws Exception {
    String ns = op.namespace("nofinalizer", Map.of());
    apply(ns, quickJob("gone", ""));
    op.awaitBatchJob(ns, "gone-embed");
    assertThat(op.job(ns, "gone").getMetadata().getFinalizers()).isNullOrEmpty();
    op.stop();
    try {
      op.client.resources(ReLATrainingJob.class).inNamespace(ns).withName("gone").delete();
      await().atMost(Duration.ofSeconds(10)).until(() -> op.job(ns, "gone") == null);
    } finally {
      op.start();
    }
  }

  @Test
  void anObjectWithTheJobsNameThatItDoesNotControlIsNeverAdopted() throws Exception {
    String ns = op.namespace("clash", Map.of());
    op.client.configMaps().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
        .withNewMetadata().withName("taken-config").endMetadata().addToData("mine", "keep").build()).create();
    apply(ns, quickJob("taken", ""));
    ReLATrainingJob j = op.awaitJob(ns, "taken", x -> x.getStatus() != null && x.getStatus().conditions != null
        && x.getStatus().conditions.stream().anyMatch(c -> Conditions.Reason.NAME_CONFLICT.equals(c.getReason())));
    var c = j.getStatus().conditions.stream().filter(x -> Conditions.Reason.NAME_CONFLICT.equals(x.getReason())).findFirst().orElseThrow();
    assertThat(c.getMessage()).contains("ConfigMap taken-config").contains("not controlled by this");
    Thread.sleep(1500);
    assertThat(op.client.batch().v1().jobs().inNamespace(ns).withName("taken-embed").get()).as("nothing else done").isNull();
    assertThat(op.client.configMaps().inNamespace(ns).withName("taken-config").get().getData()).containsEntry("mine", "keep");
    // once the other object is gone, the job goes on
    op.client.configMaps().inNamespace(ns).withName("taken-config").delete();
    op.awaitBatchJob(ns, "taken-embed");
  }

  @Test
  void theTrainerMayWriteOnlyItsOwnProgressConfigMap() throws Exception {
    String ns = op.namespace("rbac", Map.of());
    apply(ns, quickJob("scoped", ""));
    op.awaitBatchJob(ns, "scoped-embed");
    String sa = "system:serviceaccount:" + ns + ":scoped-trainer";
    assertThat(canI(ns, sa, "patch", "configmap/scoped-progress")).isEqualTo("yes");
    assertThat(canI(ns, sa, "update", "configmap/scoped-progress")).isEqualTo("yes");
    assertThat(canI(ns, sa, "get", "configmap/scoped-progress")).isEqualTo("yes");
    assertThat(canI(ns, sa, "patch", "configmap/scoped-config")).isEqualTo("no");
    assertThat(canI(ns, sa, "delete", "configmap/scoped-progress")).isEqualTo("no");
    assertThat(canI(ns, sa, "list", "configmaps")).isEqualTo("no");
    assertThat(canI(ns, sa, "get", "secrets")).isEqualTo("no");
    assertThat(canI(ns, sa, "create", "pods")).isEqualTo("no");
    assertThat(canI(ns, sa, "patch", "relatrainingjobs.rela.io/scoped")).isEqualTo("no");
  }

  private static String canI(String ns, String as, String verb, String what) {
    return op.api.kubectl("auth", "can-i", verb, what, "-n", ns, "--as", as).stdout().strip();
  }

  @Test
  void deletingTheJobDeletesEverythingItOwns() throws Exception {
    var kcm = op.api.controllerManager(io.rela.testinfra.ControllerManager.GC_ONLY);
    String ns = op.namespace("cascade", Map.of());
    apply(ns, quickJob("doomed", ""));
    op.awaitBatchJob(ns, "doomed-embed");
    op.awaitJob(ns, "doomed", x -> x.getStatus() != null);
    op.api.kubectl("delete", "relajob", "doomed", "-n", ns, "--wait=true", "--timeout=60s").assertSuccess();
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
        .conditionEvaluationListener(c -> {
          if (c.getRemainingTimeInMS() < 600) {
            System.err.println(op.api.kubectl("get", "all,cm,sa,role,pvc", "-n", ns).stdout() + kcm.log().lines()
                .filter(l -> l.contains("garbage")).reduce("", (a, b) -> a + "\n" + b));
          }
        })
        .until(() ->
        op.client.batch().v1().jobs().inNamespace(ns).withLabel(Labels.JOB, "doomed").list().getItems().isEmpty()
            && op.client.configMaps().inNamespace(ns).withLabel(Labels.JOB, "doomed").list().getItems().isEmpty()
            && op.client.serviceAccounts().inNamespace(ns).withName("doomed-trainer").get() == null
            && op.client.rbac().roles().inNamespace(ns).withName("doomed-trainer").get() == null
            && op.client.persistentVolumeClaims().inNamespace(ns).withName("doomed-workspace").get() == null);
    assertThat(op.registry.getMeters()).noneMatch(m -> "doomed".equals(m.getId().getTag("name")));
  }
}
