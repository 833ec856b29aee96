package io.rela.operator;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rela.api.ReLATrainingJob;
import io.rela.operator.metrics.JobMetrics;
import io.rela.operator.resources.OperatorSettings;
import io.rela.testinfra.KubeApiServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The operator (the same reconciler the Quarkus app registers) running in the test JVM against
 * the real API server, plus the kubelet and Job-controller moves the tests make by hand.
 */
final class OperatorHarness implements AutoCloseable {

  final KubeApiServer api;
  final KubernetesClient client;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Operator operator;

  OperatorHarness(KubeApiServer api) {
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    if (root.getHandlers().length == 0) {
      root.addHandler(new java.util.logging.ConsoleHandler());
    }
    this.api = api;
    this.client = api.client();
    start();
  }

  void start() {
    operator = new Operator(o -> o.withKubernetesClient(client)
        .withCloseClientOnStop(false)
        .withStopOnInformerErrorDuringStartup(true));
    operator.register(new ReLATrainingJobReconciler(client, OperatorSettings.defaults(), new JobMetrics(registry)));
    operator.start();
  }

  void stop() {
    operator.stop();
  }

  void restart() {
    stop();
    start();
  }

  String namespace(String name, Map<String, String> labels) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build())
        .createOr(r -> r.update());
    return name;
  }

  /** A claim the namespace's owners opened to jobs ({@code access}: read-only or read-write; null: not opened). */
  void claim(String ns, String name, String access) {
    api.claim(ns, name, access);
  }

  ReLATrainingJob job(String ns, String name) {
    return client.resources(ReLATrainingJob.class).inNamespace(ns).withName(name).get();
  }

  ReLATrainingJob awaitJob(String ns, String name, Predicate<ReLATrainingJob> p) {
    try {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
        ReLATrainingJob j = job(ns, name);
        return j != null && p.test(j);
      });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("ReLATrainingJob " + ns + "/" + name + " never reached the expected state; last seen:\n"
          + api.kubectl("get", "relajob", name, "-n", ns, "-o", "yaml").stdout(), e);
    }
    return job(ns, name);
  }

  Job awaitBatchJob(String ns, String name) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> client.batch().v1().jobs().inNamespace(ns).withName(name).get() != null);
    return client.batch().v1().jobs().inNamespace(ns).withName(name).get();
  }

  /** Waits for job {@code job}'s embed stage, completes it, and returns the train stage's Job that follows. */
  Job throughEmbedding(String ns, String job) {
    awaitBatchJob(ns, job + "-embed");
    completeJob(ns, job + "-embed");
    return awaitBatchJob(ns, job + "-train");
  }

  /** What a trainer pod writes into its job's progress ConfigMap. */
  void writeProgress(String ns, String job, io.rela.api.contract.ProgressReport r) throws Exception {
    String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(r);
    client.configMaps().inNamespace(ns).withName(job + "-progress")
        .edit(cm -> {
          cm.setData(Map.of(io.rela.api.contract.ProgressReport.CONFIG_MAP_KEY, json));
          return cm;
        });
  }

  /** What the Job controller writes when every pod succeeded. */
  void completeJob(String ns, String name) {
    Job j = client.batch().v1().jobs().inNamespace(ns).withName(name).get();
    String now = Instant.now().toString();
    String earlier = Instant.now().minusSeconds(5).toString();
    j.setStatus(new JobStatusBuilder()
        .withStartTime(startTime(j, earlier)).withCompletionTime(now)
        .withSucceeded(j.getSpec().getCompletions() == null ? 1 : j.getSpec().getCompletions())
        .withCompletedIndexes("Indexed".equals(j.getSpec().getCompletionMode()) ? range(j.getSpec().getCompletions()) : null)
        .withConditions(
            new JobConditionBuilder().withType("SuccessCriteriaMet").withStatus("True").withReason("CompletionsReached")
                .withLastTransitionTime(now).withLastProbeTime(now).build(),
            new JobConditionBuilder().withType("Complete").withStatus("True").withReason("CompletionsReached")
                .withLastTransitionTime(now).withLastProbeTime(now).build())
        .withReady(0).withActive(0).withTerminating(0)
        .build());
    client.batch().v1().jobs().inNamespace(ns).resource(j).updateStatus();
  }

  /** What the Job controller writes when the backoff limit is reached. */
  void failJob(String ns, String name, String reason, String message) {
    Job j = client.batch().v1().jobs().inNamespace(ns).withName(name).get();
    String now = Instant.now().toString();
    j.setStatus(new JobStatusBuilder()
        .withStartTime(startTime(j, Instant.now().minusSeconds(5).toString()))
        .withFailed(4)
        .withConditions(
            new JobConditionBuilder().withType("FailureTarget").withStatus("True").withReason(reason).withMessage(message)
                .withLastTransitionTime(now).withLastProbeTime(now).build(),
            new JobConditionBuilder().withType("Failed").withStatus("True").withReason(reason).withMessage(message)
                .withLastTransitionTime(now).withLastProbeTime(now).build())
        .withReady(0).withActive(0).withTerminating(0)
        .build());
    client.batch().v1().jobs().inNamespace(ns).resource(j).updateStatus();
  }

  /** A pod of a stage Job as the Job controller creates it: its template's labels and spec, the Job as controller. */
  Pod createPodOf(String ns, Job job, String name) {
    Pod pod = new io.fabric8.kubernetes.api.model.PodBuilder()
        .withNewMetadata().withName(name).withNamespace(ns)
        .withLabels(job.getSpec().getTemplate().getMetadata().getLabels())
        .addNewOwnerReference().withApiVersion("batch/v1").withKind("Job").withName(job.getMetadata().getName())
        .withUid(job.getMetadata().getUid()).withController(true).endOwnerReference().endMetadata()
        .withSpec(job.getSpec().getTemplate().getSpec())
        .build();
    return client.pods().inNamespace(ns).resource(pod).create();
  }

  /** A pod of a stage Job whose trainer container runs, as a kubelet would report it. */
  void runningPod(String ns, Job job) {
    Pod created = createPodOf(ns, job, job.getMetadata().getName() + "-r1");
    created.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running")
        .withContainerStatuses(new ContainerStatusBuilder().withName("trainer").withImage("rela/trainer:0.1.0").withImageID("")
            .withReady(true).withRestartCount(0)
            .withNewState().withNewRunning().withStartedAt(Instant.now().minusSeconds(3).toString()).endRunning().endState().build())
        .build());
    client.pods().inNamespace(ns).resource(created).updateStatus();
  }

  /** A pod of a stage Job whose trainer container ended as a kubelet would report it. */
  void terminatedPod(String ns, Job job, int exitCode, String reason) {
    Pod created = createPodOf(ns, job, job.getMetadata().getName() + "-x1");
    created.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Failed")
        .withContainerStatuses(new ContainerStatusBuilder().withName("trainer").withImage("rela/trainer:0.1.0").withImageID("")
            .withReady(false).withRestartCount(0)
            .withNewState().withNewTerminated().withExitCode(exitCode).withReason(reason)
            .withFinishedAt(Instant.now().toString()).withStartedAt(Instant.now().minusSeconds(3).toString())
            .endTerminated().endState().build())
        .build());
    client.pods().inNamespace(ns).resource(created).updateStatus();
  }

  private static String startTime(Job j, String fallback) {
    return j.getStatus() != null && j.getStatus().getStartTime() != null ? j.getStatus().getStartTime() : fallback;
  }

  private static String range(Integer n) {
    int c = n == null ? 1 : n;
    return c == 1 ? "0" : "0-" + (c - 1);
  }

  @Override
  public void close() {
    stop();
  }
}
