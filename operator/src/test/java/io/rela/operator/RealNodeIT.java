package io.rela.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.rela.api.ReLATrainingJob;
import io.rela.testinfra.Envtest;
import io.rela.testinfra.Kstatus;
import io.rela.testinfra.ProcessRunner;
import io.rela.testinfra.RealCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The user's path on a real node: kubelet + containerd run the trainer and operator images as
 * pods, in a namespace that enforces the restricted Pod Security level, the operator installed
 * by `helm install` under the chart's ServiceAccount, the dataset on a PersistentVolumeClaim.
 * Runs when the images profile built the tarballs (`make test`).
 */
@EnabledIfSystemProperty(named = "rela.images", matches = "true")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealNodeIT {

  private static final String OPERATOR_NS = "rela-system";
  private static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

  /** The trainer's -cuda image tarball, when the build made it (`-Dcuda`, as `make test` does). */
  private static final String CUDA_IMAGE = System.getProperty("rela.cudaImage", "").isBlank() ? null
      : System.getProperty("rela.cudaImage");

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private RealCluster cluster;

  @BeforeAll
  void startNodeAndInstallTheOperator() throws Exception {
    // Kueue's manager runs beside the API server (its webhooks see every Job; it manages only queued ones)
    cluster = RealCluster.start(true, true);
    cluster.importImage(Envtest.repoRoot().resolve("trainer-image/target/jib-image.tar"));
    cluster.importImage(Path.of("target", "jib-image.tar").toAbsolutePath());
    if (CUDA_IMAGE != null) {
      cluster.importImage(Path.of(CUDA_IMAGE));
    }
    cluster.helm("install", "rela", Envtest.repoRoot().resolve("charts/rela-operator").toString(), "-n", OPERATOR_NS,
        "--create-namespace", "--wait", "--timeout", "180s").assertSuccess();
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  // --- helpers ------------------------------------------------------------------------------

  /** A namespace enforcing the restricted Pod Security level, with Fashion-MNIST on claim `datasets`. */
  private String namespace(String name) {
    cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
        .addToLabels("pod-security.kubernetes.io/enforce", "restricted").endMetadata().build()).create();
    cluster.hostPathClaim(name, "datasets", FASHION_MNIST.getParent());
    return name;
  }

  /** A small Fashion-MNIST job; {@code extra} is YAML merged into the spec (indented two spaces). */
  private static String job(String name, int epochs, int samples, String extra) {
    return """
        apiVersion: rela.io/v1alpha1
        kind: ReLATrainingJob
        metadata:
          name: %s
        spec:
          dataset:
            format: FashionMNIST
            path: /data/fashion-mnist
            volume:
              name: data
              persistentVolumeClaim: {claimName: datasets, readOnly: true}
          model: {backbone: convnet4}
          training: {epochs: %d, maxSamples: %d}
          evaluation: {linearProbeEpochs: 5, maxSamples: 1000}
          workspace: {size: 2Gi}
        """.formatted(name, epochs, samples) + extra.indent(2);
  }

  /** A small job with the rand prior and the Adaptive schedule at r = 0.5, under a memory limit. */
  private static String relaJob(String name, int epochs, int samples, String memory) {
    return job(name, epochs, samples, """
        prior: {type: Random}
        rela: {dataRatio: 0.5, schedule: Adaptive}
        resources: {memory: %s}
        """.formatted(memory));
  }

  /** The train pod other than {@code killed} logged that it resumed from a checkpoint. */
  private void assertResumed(String ns, String killed, int epochs) {
    Pod next = pods(ns, "train").stream().filter(p -> !p.getMetadata().getName().equals(killed)).findFirst().orElseThrow();
    assertThat(logs(ns, next.getMetadata().getName()))
        .containsPattern("resuming from \\S+ \\([1-" + (epochs - 1) + "] of " + epochs + " epochs done\\)");
  }

  private void apply(String ns, String yaml) throws Exception {
    Path f = Files.createTempFile("relajob-", ".yaml");
    try {
      Files.writeString(f, yaml);
      cluster.kubectl("apply", "-n", ns, "-f", f.toString()).assertSuccess();
    } finally {
      Files.deleteIfExists(f);
    }
  }

  /** What `kubectl get relajob` showed over time. */
  private static final class Seen {
    final List<String> stages = new ArrayList<>();
    /** kstatus's verdicts (sigs.k8s.io/cli-utils, as Flux computes health) seen at each stage. */
    final Map<String, java.util.Set<String>> kstatusByStage = new java.util.LinkedHashMap<>();
    final List<String> epochs = new ArrayList<>();
    Map<String, String> last = Map.of();

    void add(Map<String, String> row) {
      last = row;
      addIfNew(stages, row.getOrDefault("STAGE", ""));
      addIfNew(epochs, row.getOrDefault("EPOCH", ""));
    }

    private static void addIfNew(List<String> list, String v) {
      if (!v.isEmpty() && (list.isEmpty() || !list.get(list.size() - 1).equals(v))) {
        list.add(v);
      }
    }

    /** The epochs done, in the order they were shown. */
    List<Integer> epochNumbers() {
      return epochs.stream().map(e -> Integer.parseInt(e.substring(0, e.indexOf('/')))).toList();
    }
  }

  /** Polls `kubectl get relajob` until {@code until} holds for the row (or a final stage), at most {@code minutes}. */
  private Seen watch(String ns, String name, Seen seen, Predicate<Map<String, String>> until, int minutes) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
    while (System.nanoTime() < deadline) {
      Map<String, String> row = EndToEndIT.columns(cluster.kubectl("get", "relajob", name, "-n", ns).stdout());
      seen.add(row);
      String json = cluster.kubectl("get", "relajob", name, "-n", ns, "-o", "json").stdout();
      if (!json.isBlank()) {
        String stageNow = JSON.readTree(json).path("status").path("stage").asText("");
        seen.kstatusByStage.computeIfAbsent(stageNow, k -> new java.util.TreeSet<>()).add(Kstatus.ofOne(json).status());
      }
      String stage = row.getOrDefault("STAGE", "");
      if (until.test(row) || stage.equals("Succeeded") || stage.equals("Failed")) {
        return seen;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("timed out after " + minutes + " min; seen " + seen.stages + " " + seen.epochs + "\n" + diagnostics(ns, name));
  }

  private Seen watchToEnd(String ns, String name, Seen seen, int minutes) throws Exception {
    return watch(ns, name, seen, r -> false, minutes);
  }

  private static int epoch(Map<String, String> row) {
    String e = row.getOrDefault("EPOCH", "");
    return e.isEmpty() ? -1 : Integer.parseInt(e.substring(0, e.indexOf('/')));
  }

  private String diagnostics(String ns, String name) {
    return "status: " + cluster.kubectl("get", "relajob", name, "-n", ns, "-o", "jsonpath={.status}").stdout()
        + "\npods:\n" + cluster.kubectl("get", "pods", "-n", ns, "-o", "wide").stdout()
        + "\ncontainers:\n" + cluster.kubectl("get", "pods", "-n", ns, "-o",
            "jsonpath={range .items[*]}{.metadata.name}: {.status.containerStatuses[0].state}{'\\n'}{end}").stdout()
        + "\nevents:\n" + cluster.kubectl("get", "events", "-n", ns, "--sort-by=.lastTimestamp").stdout()
        + "\noperator:\n" + cluster.kubectl("logs", "-n", OPERATOR_NS, "deploy/rela-rela-operator", "--tail=30").stdout()
        + "\nkubelet:\n" + cluster.log("kubelet", 15);
  }

  /** kstatus of the job now, as Flux computes health. */
  private Kstatus.Result kstatus(String ns, String name) {
    return Kstatus.ofOne(cluster.kubectl("get", "relajob", name, "-n", ns, "-o", "json").assertSuccess().stdout());
  }

  /** kstatus says Failed with the Failed condition's message: Flux stops waiting and shows the operator's words. */
  private void assertKstatusFailed(String ns, String name, Condition failed) {
    Kstatus.Result k = kstatus(ns, name);
    assertThat(k.status()).as("kstatus of %s", name).isEqualTo("Failed");
    assertThat(k.message()).isEqualTo(failed.getMessage());
  }

  private List<Pod> pods(String ns, String stage) {
    return cluster.client().pods().inNamespace(ns).withLabel("rela.io/stage", stage).list().getItems();
  }

  private String logs(String ns, String pod) {
    return cluster.kubectl("logs", "-n", ns, pod).stdout();
  }

  private Condition condition(String ns, String name, String type) {
    ReLATrainingJob j = cluster.client().resources(ReLATrainingJob.class).inNamespace(ns).withName(name).get();
    if (j == null || j.getStatus() == null || j.getStatus().conditions == null) {
      return new Condition();
    }
    return j.getStatus().conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(new Condition());
  }

  // --- 1 ------------------------------------------------------------------------------------

  @Test
  void kubectlApplyRunsEveryStageAsRestrictedPods() throws Exception {
    String ns = namespace("e2e-apply");
    // the embedding shards write into a claim every pod can write (ReadWriteMany), not the workspace
    cluster.client().persistentVolumeClaims().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
        .withNewMetadata().withName("prior-cache").addToLabels("rela.io/trainer-access", "read-write").endMetadata()
        .withNewSpec().withAccessModes("ReadWriteMany").withNewResources().addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity("1Gi"))
        .endResources().endSpec().build()).create();
    apply(ns, job("fashion", 3, 3000, """
        prior: {type: Random, shards: 2, cacheClaimName: prior-cache}
        rela: {dataRatio: 0.5, schedule: Adaptive}
        resources: {memory: 3Gi}
        """));
    Seen seen = watchToEnd(ns, "fashion", new Seen(), 10);
    assertThat(seen.stages).as("%s", diagnostics(ns, "fashion")).containsSubsequence("Embedding", "Training", "Evaluating", "Succeeded");
    assertThat(seen.epochs).contains("3/3");
    assertThat(seen.epochNumbers()).as("EPOCH counts up").isSorted();
    assertThat(seen.epochNumbers().stream().anyMatch(e -> e == 1 || e == 2)).as("epochs seen: %s", seen.epochs).isTrue();
    assertThat(Double.parseDouble(seen.last.get("ACCURACY"))).isBetween(0.3, 1.0);
    // kstatus (Flux): InProgress while any stage runs, Current once Succeeded
    for (String stage : List.of("Embedding", "Training", "Evaluating")) {
      assertThat(seen.kstatusByStage.get(stage)).as("kstatus while %s: %s", stage, seen.kstatusByStage).containsExactly("InProgress");
    }
    assertThat(kstatus(ns, "fashion").status()).isEqualTo("Current");

    // two embed pods of one Indexed Job, each its own slice
    Job embed = cluster.client().batch().v1().jobs().inNamespace(ns).withName("fashion-embed").get();
    assertThat(embed.getSpec().getCompletionMode()).isEqualTo("Indexed");
    List<Pod> embedPods = pods(ns, "embed");
    assertThat(embedPods).hasSize(2).allMatch(p -> "Succeeded".equals(p.getStatus().getPhase()));
    assertThat(embedPods.stream().map(p -> p.getMetadata().getAnnotations().get("batch.kubernetes.io/job-completion-index")))
        .containsExactlyInAnyOrder("0", "1");
    assertThat(embedPods.get(0).getSpec().getContainers().get(0).getVolumeMounts())
        .anyMatch(m -> m.getName().equals("workspace") && Boolean.TRUE.equals(m.getReadOnly()));
    // every pod ran as the image's non-root user with a read-only root filesystem, and says so
    for (String stage : List.of("embed", "train", "eval")) {
      for (Pod p : pods(ns, stage)) {
        assertThat(logs(ns, p.getMetadata().getName())).as("log of %s", p.getMetadata().getName())
            .contains("running as uid=10001 gid=10001, root filesystem read-only");
      }
    }
  }

  // --- 2 ------------------------------------------------------------------------------------

  @Test
  void aKilledTrainPodResumesFromItsCheckpoint() throws Exception {
    String ns = namespace("e2e-kill");
    apply(ns, relaJob("resume", 6, 4000, "3Gi"));
    Seen seen = watch(ns, "resume", new Seen(), r -> epoch(r) >= 2, 10);
    int killedAt = epoch(seen.last);
    assertThat(killedAt).as("still training when killed; %s", seen.stages).isBetween(2, 5);
    String first = pods(ns, "train").get(0).getMetadata().getName();
    cluster.kubectl("delete", "pod", "-n", ns, first, "--grace-period=0", "--force").assertSuccess();
    int before = seen.epochs.size();
    watchToEnd(ns, "resume", seen, 10);
    assertThat(seen.last.get("STAGE")).as("%s", diagnostics(ns, "resume")).isEqualTo("Succeeded");
    List<Integer> after = seen.epochNumbers().subList(before, seen.epochNumbers().size());
    assertThat(after).as("EPOCH after the kill at %d: %s", killedAt, seen.epochs).allMatch(e -> e >= killedAt - 1);
    assertResumed(ns, first, 6);
  }

  // --- 3 ------------------------------------------------------------------------------------

  @Test
  void suspendStopsThePodWithinItsGracePeriodAndResumeContinues() throws Exception {
    String ns = namespace("e2e-suspend");
    apply(ns, relaJob("pause", 6, 4000, "3Gi"));
    Seen seen = watch(ns, "pause", new Seen(), r -> epoch(r) >= 1, 10);
    Pod running = pods(ns, "train").get(0);
    String pod = running.getMetadata().getName();
    long grace = running.getSpec().getTerminationGracePeriodSeconds();
    Map<String, ContainerStateTerminated> ended = new ConcurrentHashMap<>();
    try (Watch w = cluster.client().pods().inNamespace(ns).withName(pod).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Pod p) {
        if (p.getStatus() != null && p.getStatus().getContainerStatuses() != null) {
          p.getStatus().getContainerStatuses().stream().filter(cs -> cs.getState() != null && cs.getState().getTerminated() != null)
              .forEach(cs -> ended.put(cs.getName(), cs.getState().getTerminated()));
        }
      }

      @Override
      public void onClose(WatcherException e) {}
    })) {
      long t0 = System.nanoTime();
      cluster.kubectl("patch", "relajob", "pause", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"suspend\":true}}").assertSuccess();
      while (cluster.client().pods().inNamespace(ns).withName(pod).get() != null) {
        assertThat(System.nanoTime() - t0).as("pod %s still there", pod).isLessThan(TimeUnit.SECONDS.toNanos(grace + 30));
        Thread.sleep(200);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      // a process that ignored SIGTERM would hold the pod until the kubelet's SIGKILL at the grace period
      assertThat(seconds).as("pod gone after SIGTERM, within its %d s grace period", grace).isLessThan(grace - 5);
      ContainerStateTerminated t = ended.get("trainer");
      if (t != null) {
        assertThat(t.getExitCode()).as("ended by SIGTERM, not SIGKILL").isNotEqualTo(137);
      }
    }
    watch(ns, "pause", seen, r -> "Suspended".equals(r.get("STAGE")), 2);
    assertThat(seen.last.get("STAGE")).isEqualTo("Suspended");
    int suspendedAt = epoch(seen.last);
    cluster.kubectl("patch", "relajob", "pause", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"suspend\":false}}").assertSuccess();
    watchToEnd(ns, "pause", seen, 10);
    assertThat(seen.last.get("STAGE")).as("%s", diagnostics(ns, "pause")).isEqualTo("Succeeded");
    assertThat(suspendedAt).as("suspended mid-training").isBetween(1, 5);
    assertResumed(ns, pod, 6);
  }

  // --- 4 ------------------------------------------------------------------------------------

  @Test
  void aTooSmallMemoryLimitIsOomKilledOnceAndSaysSo() throws Exception {
    String ns = namespace("e2e-oom");
    // The kernel must kill the pod, not the JVM fail. The heap is 75 % of the limit; at 1Gi the
    // JVM, libtorch and the native libraries it extracts at start fit, and the embedding pass of a
    // resnet50 prior (the Random prior is the student's own backbone), about 8 GB of native memory
    // at once, passes the limit within seconds. At 400Mi the process started right at the limit and
    // could crawl there for minutes (cgroup v1 reclaiming its pages) before any kill.
    apply(ns, relaJob("small", 2, 3000, "1Gi").replace("backbone: convnet4", "backbone: resnet50"));
    Seen seen = watchToEnd(ns, "small", new Seen(), 5);
    assertThat(seen.last.get("STAGE")).as("%s", diagnostics(ns, "small")).isEqualTo("Failed");
    Condition failed = condition(ns, "small", "Failed");
    assertThat(failed.getReason()).as("%s\n%s", failed.getMessage(), diagnostics(ns, "small")).isEqualTo("OOMKilled");
    assertKstatusFailed(ns, "small", failed);
    // no retry loop: the stage Job fails on that one pod, which is kept with its logs
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Job embed = null;
    while (System.nanoTime() < deadline) {
      embed = cluster.client().batch().v1().jobs().inNamespace(ns).withName("small-embed").get();
      if (embed.getStatus().getConditions() != null && embed.getStatus().getConditions().stream()
          .anyMatch(c -> "Failed".equals(c.getType()) && "True".equals(c.getStatus()))) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(embed.getStatus().getConditions()).as("the stage Job failed").anyMatch(c -> "Failed".equals(c.getType()));
    Thread.sleep(12_000); // past the Job controller's first retry delay
    List<Pod> killed = pods(ns, "embed");
    assertThat(killed).as("pods made for the stage").hasSize(1);
    String pod = killed.get(0).getMetadata().getName();
    assertThat(killed.get(0).getStatus().getContainerStatuses().get(0).getState().getTerminated().getReason()).isEqualTo("OOMKilled");
    assertThat(failed.getMessage()).contains(pod).contains("1Gi").contains("kubectl logs -n " + ns + " " + pod);
    assertThat(cluster.kubectl("logs", "-n", ns, pod).assertSuccess().stdout()).contains("running as uid=10001");
  }

  // --- 5 ------------------------------------------------------------------------------------

  @Test
  void anImageThatDoesNotExistIsAConditionThenFailsAndFreesTheGpus() throws Exception {
    String ns = namespace("e2e-pull");
    apply(ns, job("nopull", 2, 2000, """
        image: rela/trainer:does-not-exist
        imagePullGracePeriodSeconds: 40
        prior: {type: Random}
        rela: {dataRatio: 0.5, schedule: Adaptive}
        resources: {memory: 1Gi, gpus: 1}
        """));
    Seen seen = new Seen();
    watch(ns, "nopull", seen, r -> "Embedding".equals(r.get("STAGE"))
        && "ImagePullFailed".equals(condition(ns, "nopull", "Progressing").getReason()), 3);
    Condition waiting = condition(ns, "nopull", "Progressing");
    assertThat(waiting.getStatus()).as("%s\n%s", waiting, diagnostics(ns, "nopull")).isEqualTo("True");
    assertThat(waiting.getMessage()).contains("rela/trainer:does-not-exist").contains("Kubernetes retries");
    // while it retries, the pod holds its GPU
    assertThat(gpusHeld()).isEqualTo(1);
    watchToEnd(ns, "nopull", seen, 3);
    assertThat(seen.last.get("STAGE")).as("%s", diagnostics(ns, "nopull")).isEqualTo("Failed");
    Condition failed = condition(ns, "nopull", "Failed");
    assertThat(failed.getReason()).isEqualTo("ImagePullFailed");
    assertKstatusFailed(ns, "nopull", failed);
    assertThat(failed.getMessage()).contains("imagePullGracePeriodSeconds").contains("does-not-exist");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (gpusHeld() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(500);
    }
    assertThat(gpusHeld()).as("GPUs held by pods after the job failed").isZero();
  }

  /** nvidia.com/gpu requested by pods that are not finished. */
  private long gpusHeld() {
    return cluster.client().pods().inAnyNamespace().list().getItems().stream()
        .filter(p -> !"Succeeded".equals(p.getStatus().getPhase()) && !"Failed".equals(p.getStatus().getPhase()))
        .flatMap(p -> p.getSpec().getContainers().stream())
        .mapToLong(c -> c.getResources() == null || c.getResources().getRequests() == null
            || c.getResources().getRequests().get("nvidia.com/gpu") == null ? 0
            : c.getResources().getRequests().get("nvidia.com/gpu").getNumericalAmount().longValue())
        .sum();
  }

  // --- Kueue ------------------------------------------------------------------------------------

  /** What a platform team writes for Kueue: one flavor, a ClusterQueue of 8 GPUs, two priorities. */
  private static final String KUEUE_CLUSTER = """
      apiVersion: kueue.x-k8s.io/v1beta2
      kind: ResourceFlavor
      metadata: {name: gpu-node}
      ---
      apiVersion: kueue.x-k8s.io/v1beta2
      kind: ClusterQueue
      metadata: {name: gpus}
      spec:
        namespaceSelector: {}
        queueingStrategy: BestEffortFIFO
        preemption: {withinClusterQueue: LowerPriority}
        resourceGroups:
        - coveredResources: [cpu, memory, nvidia.com/gpu]
          flavors:
          - name: gpu-node
            resources:
            - {name: cpu, nominalQuota: 64}
            - {name: memory, nominalQuota: 256Gi}
            - {name: nvidia.com/gpu, nominalQuota: 8}
      ---
      apiVersion: kueue.x-k8s.io/v1beta2
      kind: WorkloadPriorityClass
      metadata: {name: low}
      value: 100
      ---
      apiVersion: kueue.x-k8s.io/v1beta2
      kind: WorkloadPriorityClass
      metadata: {name: high}
      value: 1000
      """;

  /** An 8-GPU job in LocalQueue `team` at {@code priority}. */
  private static String queuedJob(String name, int epochs, String priority) {
    return job(name, epochs, 3000, """
        prior: {type: Random}
        rela: {dataRatio: 0.5, schedule: Adaptive}
        resources: {memory: 3Gi, gpus: 8}
        queue: {name: team, priorityClass: %s}
        """.formatted(priority));
  }

  /** The reason of the Progressing condition: what the REASON column of `kubectl get relajob` shows. */
  private String reason(String ns, String name) {
    String r = condition(ns, name, "Progressing").getReason();
    return r == null ? "" : r;
  }

  /**
   * nvidia.com/gpu of the queued stage Jobs of {@code ns} that Kueue let run (not suspended, not
   * finished): GPUs per pod times parallelism.
   */
  private long gpusAdmitted(String ns) {
    return cluster.client().batch().v1().jobs().inNamespace(ns).withLabel("kueue.x-k8s.io/queue-name").list().getItems().stream()
        .filter(j -> !Boolean.TRUE.equals(j.getSpec().getSuspend()))
        .filter(j -> j.getStatus() == null || j.getStatus().getConditions() == null || j.getStatus().getConditions().stream()
            .noneMatch(c -> ("Complete".equals(c.getType()) || "Failed".equals(c.getType())) && "True".equals(c.getStatus())))
        .mapToLong(j -> {
          var limits = j.getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits();
          long perPod = limits == null || limits.get("nvidia.com/gpu") == null ? 0 : limits.get("nvidia.com/gpu").getNumericalAmount().longValue();
          return perPod * (j.getSpec().getParallelism() == null ? 1 : j.getSpec().getParallelism());
        }).sum();
  }

  /** Waits until {@code until} holds, checking on the way that Kueue never lets Jobs run with more GPUs than the queue's 8. */
  private void awaitWithinQuota(String what, java.util.function.BooleanSupplier until, int minutes, String ns, String... jobs)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
    while (!until.getAsBoolean()) {
      assertThat(gpusAdmitted(ns)).as("GPUs of the stage Jobs Kueue let run while waiting for %s", what).isLessThanOrEqualTo(8);
      if (System.nanoTime() > deadline) {
        StringBuilder d = new StringBuilder();
        for (String j : jobs) {
          d.append(diagnostics(ns, j)).append('\n');
        }
        throw new AssertionError("timed out waiting for " + what + "\n" + d + "\nkueue:\n" + cluster.kueueLog(30)
            + cluster.kubectl("get", "workloads", "-n", ns, "-o", "wide").stdout());
      }
      Thread.sleep(500);
    }
  }

  /**
   * Kueue (built from its module, run beside the API server) queues the stage Jobs of spec.queue:
   * with a quota of 8 GPUs, a second 8-GPU job waits (QueuedByKueue, also in `kubectl get`);
   * suspending the running job gives its quota to the waiting one; a higher WorkloadPriorityClass
   * preempts a training job, which resumes from its checkpoint when admitted again; all succeed,
   * and at no point do the Jobs Kueue let run ask for more than the 8 GPUs.
   * The node's GPUs are advertised, not real: the operator runs with trainer.simulatedGpus.
   */
  @Test
  void kueueQueuesSuspendsAndPreemptsGpuJobsThatResumeFromTheirCheckpoints() throws Exception {
    cluster.helm("upgrade", "rela", Envtest.repoRoot().resolve("charts/rela-operator").toString(), "-n", OPERATOR_NS, "--reuse-values",
        "--set", "trainer.simulatedGpus=true", "--set", "jobPolicy.kueuePriorityClasses={low,high}", "--wait", "--timeout", "180s")
        .assertSuccess();
    try {
      cluster.awaitKueue();
      String ns = namespace("e2e-kueue");
      apply(ns, KUEUE_CLUSTER + "---\napiVersion: kueue.x-k8s.io/v1beta2\nkind: LocalQueue\nmetadata: {name: team}\nspec: {clusterQueue: gpus}\n");
      apply(ns, queuedJob("first", 5, "low"));
      awaitWithinQuota("first training", () -> {
        ReLATrainingJob j = cluster.client().resources(ReLATrainingJob.class).inNamespace(ns).withName("first").get();
        return j != null && j.getStatus() != null && j.getStatus().progress != null && j.getStatus().progress.epoch != null
            && j.getStatus().progress.epoch >= 1;
      }, 8, ns, "first");
      // the second 8-GPU job waits while the first trains, and `kubectl get` says why
      apply(ns, queuedJob("second", 3, "low"));
      awaitWithinQuota("second queued", () -> "QueuedByKueue".equals(reason(ns, "second")), 2, ns, "first", "second");
      Map<String, String> row = EndToEndIT.columns(cluster.kubectl("get", "relajob", "second", "-n", ns).stdout());
      assertThat(row).containsEntry("STAGE", "Suspended").containsEntry("REASON", "QueuedByKueue");
      assertThat(condition(ns, "second", "Progressing").getMessage()).contains("LocalQueue team", "priority low");
      assertThat(reason(ns, "first")).isEqualTo("Training");
      Thread.sleep(5000);
      assertThat(reason(ns, "second")).as("still queued while the first trains").isEqualTo("QueuedByKueue");

      // suspending the first frees its quota: the second is admitted
      cluster.kubectl("patch", "relajob", "first", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"suspend\":true}}").assertSuccess();
      awaitWithinQuota("second admitted after the first was suspended", () -> !"QueuedByKueue".equals(reason(ns, "second"))
          && !"Suspended".equals(EndToEndIT.columns(cluster.kubectl("get", "relajob", "second", "-n", ns).stdout()).get("STAGE")),
          2, ns, "first", "second");
      assertThat(reason(ns, "first")).isEqualTo("SuspendedByUser");
      assertThat(cluster.client().batch().v1().jobs().inNamespace(ns).withName("first-train").get())
          .as("the suspended job's train Job is gone, so Kueue freed its quota").isNull();
      cluster.kubectl("patch", "relajob", "first", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"suspend\":false}}").assertSuccess();

      // once the second has a checkpoint, a high-priority job preempts it
      awaitWithinQuota("second training past its first epoch", () -> {
        ReLATrainingJob j = cluster.client().resources(ReLATrainingJob.class).inNamespace(ns).withName("second").get();
        return "Training".equals(reason(ns, "second")) && j.getStatus().progress != null && j.getStatus().progress.epoch != null
            && j.getStatus().progress.epoch >= 1;
      }, 8, ns, "first", "second");
      apply(ns, queuedJob("urgent", 2, "high"));
      awaitWithinQuota("second preempted", () -> "QueuedByKueue".equals(reason(ns, "second")), 3, ns, "second", "urgent");

      // everything ends, never above the quota
      awaitWithinQuota("all three succeeded", () -> List.of("first", "second", "urgent").stream().allMatch(n -> {
        ReLATrainingJob j = cluster.client().resources(ReLATrainingJob.class).inNamespace(ns).withName(n).get();
        assertThat(j.getStatus() == null ? null : j.getStatus().stage).as("%s", n).isNotEqualTo(io.rela.api.status.Stage.Failed);
        return j.getStatus() != null && j.getStatus().stage == io.rela.api.status.Stage.Succeeded;
      }), 15, ns, "first", "second", "urgent");

      // the first resumed from the checkpoint it had when suspended, the second from the one it had when preempted
      for (String[] j : new String[][] {{"first", "[1-4] of 5"}, {"second", "[1-2] of 3"}}) {
        List<Pod> train = pods(ns, "train").stream().filter(p -> p.getMetadata().getName().startsWith(j[0] + "-train")).toList();
        assertThat(train).as(j[0]).isNotEmpty();
        assertThat(train.stream().map(p -> logs(ns, p.getMetadata().getName()))).as(j[0])
            .anyMatch(l -> l.matches("(?s).*resuming from \\S+ \\(" + j[1] + " epochs done\\).*"));
      }
      // the priority reached every stage Job of the urgent job, which Kueue ran as its own workloads
      for (String stage : List.of("embed", "train", "eval")) {
        Job j = cluster.client().batch().v1().jobs().inNamespace(ns).withName("urgent-" + stage).get();
        assertThat(j.getMetadata().getLabels()).containsEntry("kueue.x-k8s.io/priority-class", "high")
            .containsEntry("kueue.x-k8s.io/queue-name", "team");
      }
      String workloads = cluster.kubectl("get", "workloads", "-n", ns, "-o",
          "jsonpath={range .items[*]}{.metadata.ownerReferences[0].name}={.spec.priority}{'\\n'}{end}").assertSuccess().stdout();
      assertThat(workloads).contains("urgent-train=1000", "second-train=100");
      // the pods held the GPUs they asked for, and the trainer said it used the CPU instead
      for (Pod t : pods(ns, "train")) {
        assertThat(t.getSpec().getContainers().get(0).getResources().getLimits().get("nvidia.com/gpu").getAmount()).isEqualTo("8");
        assertThat(logs(ns, t.getMetadata().getName())).contains("this pod holds 8 simulated GPU(s)");
      }
    } finally {
      cluster.helm("upgrade", "rela", Envtest.repoRoot().resolve("charts/rela-operator").toString(), "-n", OPERATOR_NS, "--reuse-values",
          "--set", "trainer.simulatedGpus=false", "--wait", "--timeout", "180s").assertSuccess();
    }
  }

  // --- the model as an OCI image ------------------------------------------------------------------

  /**
   * spec.export.image on the real node: the evaluation pod pushes the export to the node's
   * registry with the credentials of a Secret its owners opened to jobs (mounted into that pod
   * only), the status names the image by digest, and a pod runs from that image and lists
   * /models, pulled by containerd with the same Secret.
   */
  @Test
  void theEvaluationPodPushesTheModelImageAndAPodRunsFromIt() throws Exception {
    String ns = namespace("e2e-oci");
    String auth = java.util.Base64.getEncoder().encodeToString(("rela:" + cluster.registryPassword()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String dockerConfig = "{\"auths\": {\"" + cluster.registryHost() + "\": {\"auth\": \"" + auth + "\"}}}";
    cluster.client().secrets().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
        .withName("registry").addToLabels("rela.io/trainer-access", "credentials").endMetadata()
        .withType("kubernetes.io/dockerconfigjson").addToStringData(".dockerconfigjson", dockerConfig).build()).create();
    String image = cluster.registryHost() + "/models/e2e-backbone:v1";
    apply(ns, job("oci", 2, 2000, """
        prior: {type: Random}
        rela: {dataRatio: 0.5, schedule: Adaptive}
        resources: {memory: 2Gi}
        export: {image: '%s', pushSecretName: registry, plainHttp: true}
        """.formatted(image)));
    Seen seen = watchToEnd(ns, "oci", new Seen(), 10);
    assertThat(seen.last.get("STAGE")).as("%s", diagnostics(ns, "oci")).isEqualTo("Succeeded");
    ReLATrainingJob done = cluster.client().resources(ReLATrainingJob.class).inNamespace(ns).withName("oci").get();
    String pushed = done.getStatus().results.modelImage;
    assertThat(pushed).matches(java.util.regex.Pattern.quote(cluster.registryHost()) + "/models/e2e-backbone@sha256:[0-9a-f]{64}");
    assertThat(cluster.kubectl("get", "relajob", "oci", "-n", ns, "-o", "jsonpath={.status.results.modelImage}").stdout()).isEqualTo(pushed);
    // the credentials reached the pushing pod only
    for (String stage : List.of("embed", "train", "eval")) {
      for (Pod p : pods(ns, stage)) {
        boolean mounts = p.getSpec().getVolumes().stream().anyMatch(v -> v.getSecret() != null);
        assertThat(mounts).as("%s mounts the registry Secret", p.getMetadata().getName()).isEqualTo(stage.equals("eval"));
      }
    }
    cluster.client().pods().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata()
        .withName("list-models").endMetadata().withNewSpec().withRestartPolicy("Never")
        .addNewImagePullSecret("registry")
        .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(65534L).withNewSeccompProfile().withType("RuntimeDefault")
        .endSeccompProfile().endSecurityContext()
        .addNewContainer().withName("ls").withImage(pushed).withCommand("/bin/busybox", "ls", "/models")
        .withNewSecurityContext().withAllowPrivilegeEscalation(false).withNewCapabilities().withDrop("ALL").endCapabilities()
        .withReadOnlyRootFilesystem(true).endSecurityContext().endContainer().endSpec().build()).create();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    Pod lister = null;
    while (System.nanoTime() < deadline) {
      lister = cluster.client().pods().inNamespace(ns).withName("list-models").get();
      if (lister.getStatus() != null && ("Succeeded".equals(lister.getStatus().getPhase()) || "Failed".equals(lister.getStatus().getPhase()))) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(lister.getStatus().getPhase()).as("%s", cluster.kubectl("describe", "pod", "-n", ns, "list-models").stdout())
        .isEqualTo("Succeeded");
    assertThat(logs(ns, "list-models")).contains("backbone.safetensors", "backbone.json", "rela_backbone.py", "summary.json");
  }

  // --- 6 ------------------------------------------------------------------------------------

  @Test
  void theStandbyTakesOverFromADeletedLeaderAndCreatesNothingTwice() throws Exception {
    String ns = namespace("e2e-operator");
    List<Pod> replicas = operatorPods();
    assertThat(replicas).as("the chart runs two replicas").hasSize(2);
    apply(ns, relaJob("handover", 4, 3000, "3Gi"));
    Seen seen = watch(ns, "handover", new Seen(), r -> "Training".equals(r.get("STAGE")), 10);
    Map<String, String> uids = new ConcurrentHashMap<>();
    for (Job j : cluster.client().batch().v1().jobs().inNamespace(ns).list().getItems()) {
      uids.put(j.getMetadata().getName(), j.getMetadata().getUid());
    }
    assertThat(uids).containsKeys("handover-embed", "handover-train");
    String leader = leaseHolder();
    assertThat(replicas).extracting(p -> p.getMetadata().getName()).contains(leader);
    long t0 = System.nanoTime();
    cluster.kubectl("delete", "pod", "-n", OPERATOR_NS, leader, "--wait=false").assertSuccess();
    long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
    while ((leaseHolder() == null || leader.equals(leaseHolder())) && System.nanoTime() < deadline) {
      Thread.sleep(250);
    }
    double takeover = (System.nanoTime() - t0) / 1e9;
    String next = leaseHolder();
    // the standby, or the Deployment's replacement if it asked first once the lease expired
    assertThat(next).as("another replica holds the lease").isNotEqualTo(leader).isNotNull();
    assertThat(operatorPods()).extracting(p -> p.getMetadata().getName()).contains(next);
    // the lease lasts 15 s: another replica leads within it (plus a 2 s retry period)
    assertThat(takeover).as("seconds until another replica led").isLessThan(20);
    System.out.printf("leader %s deleted; %s (%s) took over in %.1f s%n", leader, next,
        replicas.stream().anyMatch(p -> p.getMetadata().getName().equals(next)) ? "the standby" : "the replacement", takeover);
    watchToEnd(ns, "handover", seen, 10);
    assertThat(seen.last.get("STAGE")).as("%s", diagnostics(ns, "handover")).isEqualTo("Succeeded");
    List<Job> jobs = cluster.client().batch().v1().jobs().inNamespace(ns).list().getItems();
    assertThat(jobs).extracting(j -> j.getMetadata().getName()).containsExactlyInAnyOrder("handover-embed", "handover-train", "handover-eval");
    for (Job j : jobs) {
      if (uids.containsKey(j.getMetadata().getName())) {
        assertThat(j.getMetadata().getUid()).as("%s kept", j.getMetadata().getName()).isEqualTo(uids.get(j.getMetadata().getName()));
      }
    }
    assertThat(pods(ns, "train")).as("one train pod").hasSize(1);
    assertThat(pods(ns, "eval")).as("one eval pod").hasSize(1);
  }

  private List<Pod> operatorPods() {
    return cluster.client().pods().inNamespace(OPERATOR_NS).withLabel("app.kubernetes.io/name", "rela-operator").list().getItems()
        .stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
  }

  /** The pod holding the operator's leader Lease. */
  private String leaseHolder() {
    var lease = cluster.client().leases().inNamespace(OPERATOR_NS).withName("rela-operator-leader").get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  // --- a namespace that refuses the pods ------------------------------------------------------

  @Test
  void podsTheNamespaceRefusesAreAConditionNamingWhy() throws Exception {
    String ns = namespace("e2e-quota");
    cluster.client().resourceQuotas().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ResourceQuotaBuilder()
        .withNewMetadata().withName("no-pods").endMetadata().withNewSpec()
        .addToHard("pods", new io.fabric8.kubernetes.api.model.Quantity("0")).endSpec().build()).create();
    apply(ns, relaJob("quota", 2, 2000, "2Gi"));
    watch(ns, "quota", new Seen(), r -> "FailedCreate".equals(condition(ns, "quota", "Progressing").getReason()), 3);
    Condition c = condition(ns, "quota", "Progressing");
    assertThat(c.getReason()).as("%s", diagnostics(ns, "quota")).isEqualTo("FailedCreate");
    assertThat(c.getMessage()).contains("quota-embed").contains("exceeded quota").contains("ResourceQuota");
    // once the quota lets pods in, the stage goes on and the condition goes
    cluster.client().resourceQuotas().inNamespace(ns).withName("no-pods").delete();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (pods(ns, "embed").isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(500);
    }
    assertThat(pods(ns, "embed")).as("the Job controller made the pod once allowed").isNotEmpty();
    watch(ns, "quota", new Seen(), r -> !"FailedCreate".equals(condition(ns, "quota", "Progressing").getReason()), 2);
    cluster.client().resources(ReLATrainingJob.class).inNamespace(ns).withName("quota").delete();
  }

  // --- 9 ------------------------------------------------------------------------------------

  /**
   * Edits, GitOps-style: a stage whose pods never started is re-created from the edited spec (an
   * unschedulable job fixed by lowering its CPU runs to Succeeded); a running stage keeps its
   * pods, the status names the generation it runs, and the edit applies to the next stage.
   */
  @Test
  void editsApplyAtOnceToStagesThatHaveNotStartedAndToTheNextStageOtherwise() throws Exception {
    String ns = namespace("e2e-edit");
    apply(ns, job("toobig", 1, 1000, """
        prior: {type: Random}
        rela: {dataRatio: 0.5}
        resources: {cpu: "64", memory: 2Gi}
        """));
    apply(ns, job("running", 3, 3000, """
        prior: {type: Random}
        rela: {dataRatio: 0.5}
        resources: {memory: 3Gi}
        """));
    // the scheduler may first report the workspace claim as not yet bound, then the CPU it lacks
    watch(ns, "toobig", new Seen(), r -> "Unschedulable".equals(condition(ns, "toobig", "Progressing").getReason())
        && condition(ns, "toobig", "Progressing").getMessage().contains("Insufficient cpu"), 3);
    Condition stuck = condition(ns, "toobig", "Progressing");
    assertThat(stuck.getReason()).as("%s", diagnostics(ns, "toobig")).isEqualTo("Unschedulable");
    assertThat(stuck.getMessage()).contains("Insufficient cpu", "an edit of the spec applies at once");
    cluster.kubectl("patch", "relajob", "toobig", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"resources\":{\"cpu\":\"1\"}}}")
        .assertSuccess();

    // the other job trains; its memory is edited while its train pod runs
    watch(ns, "running", new Seen(), r -> "Training".equals(r.get("STAGE")) && pods(ns, "train").stream()
        .anyMatch(p -> "running".equals(p.getMetadata().getLabels().get("rela.io/job")) && "Running".equals(p.getStatus().getPhase())), 6);
    cluster.kubectl("patch", "relajob", "running", "-n", ns, "--type=merge", "-p", "{\"spec\":{\"resources\":{\"memory\":\"2500Mi\"}}}")
        .assertSuccess();
    watch(ns, "running", new Seen(), r -> condition(ns, "running", "Progressing").getMessage() != null
        && condition(ns, "running", "Progressing").getMessage().contains("runs the spec of generation 1"), 2);
    assertThat(condition(ns, "running", "Progressing").getMessage()).as("%s", diagnostics(ns, "running"))
        .contains("Job running-train runs the spec of generation 1", "the edit of generation 2 keeps its pods running and applies to the"
            + " evaluation stage");

    Seen fixed = watchToEnd(ns, "toobig", new Seen(), 10);
    assertThat(fixed.last.get("STAGE")).as("%s", diagnostics(ns, "toobig")).isEqualTo("Succeeded");
    assertThat(cluster.client().batch().v1().jobs().inNamespace(ns).withName("toobig-train").get().getSpec().getTemplate().getSpec()
        .getContainers().get(0).getResources().getLimits().get("cpu").toString()).isEqualTo("1");
    Seen edited = watchToEnd(ns, "running", new Seen(), 10);
    assertThat(edited.last.get("STAGE")).as("%s", diagnostics(ns, "running")).isEqualTo("Succeeded");
    var jobs = cluster.client().batch().v1().jobs().inNamespace(ns);
    assertThat(jobs.withName("running-train").get().getSpec().getTemplate().getSpec().getContainers().get(0).getResources()
        .getLimits().get("memory").toString()).as("the running stage kept its pods").isEqualTo("3Gi");
    assertThat(jobs.withName("running-eval").get().getSpec().getTemplate().getSpec().getContainers().get(0).getResources()
        .getLimits().get("memory").toString()).as("the next stage took the edit").isEqualTo("2500Mi");
  }

  // --- 8 ------------------------------------------------------------------------------------

  /**
   * The -cuda image on a node without a GPU driver (its nvidia.com/gpu are advertised, not real):
   * a job given no GPU trains on the CPU through the image's CUDA build of libtorch; a job given
   * one stops at once with exit 4, reported as GPUUnavailable, and is not retried.
   */
  @Test
  @EnabledIfSystemProperty(named = "rela.cudaImage", matches = ".+")
  void theCudaImageTrainsOnTheCpuAndStopsWhenGivenAGpuItCannotUse() throws Exception {
    String ns = namespace("e2e-cuda");
    apply(ns, job("on-cpu", 1, 1000, """
        image: rela/trainer:0.1.0-cuda
        prior: {type: Random}
        rela: {dataRatio: 0.5}
        resources: {memory: 4Gi}
        """));
    // no spec.image: the operator picks the -cuda image for a job given GPUs
    apply(ns, job("on-gpu", 1, 1000, """
        prior: {type: Random}
        rela: {dataRatio: 0.5}
        resources: {memory: 4Gi, gpus: 1}
        """));
    Seen gpu = watchToEnd(ns, "on-gpu", new Seen(), 5);
    assertThat(gpu.last.get("STAGE")).as("%s", diagnostics(ns, "on-gpu")).isEqualTo("Failed");
    Condition failed = condition(ns, "on-gpu", "Failed");
    assertThat(failed.getReason()).isEqualTo("GPUUnavailable");
    assertKstatusFailed(ns, "on-gpu", failed);
    assertThat(failed.getMessage()).contains("exit code 4", "given 1 GPU", "flavour cu128", "CUDA runtime 12.6",
        "driver none", "does not fall back to the CPU", "rela.io/retry");
    List<Pod> embed = pods(ns, "embed").stream().filter(p -> "on-gpu".equals(p.getMetadata().getLabels().get("rela.io/job"))).toList();
    assertThat(embed).as("stopped once, not retried").hasSize(1);
    assertThat(embed.get(0).getSpec().getContainers().get(0).getImage()).isEqualTo("rela/trainer:0.1.0-cuda");
    assertThat(embed.get(0).getSpec().getContainers().get(0).getEnv())
        .anyMatch(e -> e.getName().equals("RELA_GPUS") && e.getValue().equals("1"));

    Seen cpu = watchToEnd(ns, "on-cpu", new Seen(), 10);
    assertThat(cpu.stages).as("%s", diagnostics(ns, "on-cpu")).containsSubsequence("Training", "Evaluating", "Succeeded");
    List<Pod> train = pods(ns, "train");
    assertThat(train).isNotEmpty();
    for (Pod p : train) {
      assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("rela/trainer:0.1.0-cuda");
      assertThat(logs(ns, p.getMetadata().getName())).contains("device: cpu(), engine PyTorch 2.7.1 (flavour cu128)");
    }
  }

  // --- 7 ------------------------------------------------------------------------------------

  @Test
  void progressReachesTheStatusThroughTheTrainersOwnTokenOnly() throws Exception {
    String ns = namespace("e2e-token");
    apply(ns, job("token", 2, 2000, """
        prior: {type: Random}
        rela: {dataRatio: 1.0, schedule: None}
        resources: {memory: 2Gi}
        """));
    Seen seen = watchToEnd(ns, "token", new Seen(), 10);
    assertThat(seen.last.get("STAGE")).as("%s", diagnostics(ns, "token")).isEqualTo("Succeeded");
    assertThat(seen.epochs).as("progress written by the trainer pods").contains("2/2");
    String sa = "token-trainer";
    List<Pod> trainerPods = cluster.client().pods().inNamespace(ns).withLabel("rela.io/stage").list().getItems();
    assertThat(trainerPods).isNotEmpty().allSatisfy(p -> {
      assertThat(p.getSpec().getServiceAccountName()).isEqualTo(sa);
      assertThat(p.getSpec().getContainers().get(0).getEnv()).noneMatch(e -> e.getName().contains("KUBECONFIG")
          || e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null);
    });
    // no pod of the job or the operator mounts a Secret or a host path: the only credentials are
    // projected ServiceAccount tokens (a job that names a credential Secret is another scenario)
    List<Pod> near = new ArrayList<>(cluster.client().pods().inNamespace(ns).list().getItems());
    near.addAll(cluster.client().pods().inNamespace(OPERATOR_NS).list().getItems());
    for (Pod p : near) {
      for (Volume v : p.getSpec().getVolumes()) {
        assertThat(v.getSecret()).as("secret volume in %s", p.getMetadata().getName()).isNull();
        assertThat(v.getHostPath()).as("hostPath volume in %s", p.getMetadata().getName()).isNull();
      }
    }
    Pod operator = cluster.client().pods().inNamespace(OPERATOR_NS).withLabel("app.kubernetes.io/name", "rela-operator").list().getItems().get(0);
    assertThat(operator.getSpec().getServiceAccountName()).isEqualTo("rela-rela-operator");
    // what that token may do: its own progress ConfigMap, nothing else
    String as = "--as=system:serviceaccount:" + ns + ":" + sa;
    assertThat(canI(ns, as, "patch", "configmap/token-progress")).isTrue();
    assertThat(canI(ns, as, "get", "secrets")).isFalse();
    assertThat(canI(ns, as, "create", "pods")).isFalse();
    assertThat(canI(ns, as, "patch", "relatrainingjobs.rela.io/token")).isFalse();
    assertThat(canI(ns, as, "patch", "configmap/token-config")).isFalse();
  }

  private boolean canI(String ns, String as, String verb, String what) {
    ProcessRunner.Result r = cluster.kubectl("auth", "can-i", verb, what, "-n", ns, as);
    return r.stdout().strip().equals("yes");
  }
}
