package io.rela.operator.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.rela.api.ReLATrainingJob;
import io.rela.api.spec.DatasetFormat;
import io.rela.api.spec.DatasetSpec;
import io.rela.api.spec.ReLATrainingJobSpec;
import io.rela.testinfra.Envtest;
import io.rela.testinfra.KubeApiServer;
import io.rela.testinfra.KubeApiServerExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Not a test (surefire does not pick it up): `make bench-operator`. Starts the operator's
 * built jar as its own process against the real API server, applies N ReLATrainingJobs at
 * once, and measures the time until every one has its first Job, the operator's peak heap
 * (from its own metrics) and peak RSS (VmHWM), and reconcile p50/p99.
 */
@ExtendWith(KubeApiServerExtension.class)
class OperatorScaleBenchmark {

  @Test
  void thousandJobs(KubeApiServer api) throws Exception {
    int n = Integer.getInteger("bench.jobs", 1000);
    String heap = System.getProperty("bench.xmx", "256m");
    String ns = "scale";
    String rawNs = "raw";
    for (String name : List.of(ns, rawNs)) {
      api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    }
    int bytes = io.fabric8.kubernetes.client.utils.Serialization.asJson(largest(0)).length();
    // the API server's own time for the same creates from the same 16 client threads, in a
    // namespace the operator does not watch: what the operator's time is compared with
    CpuSplit rawCpu = CpuSplit.start(null);
    double raw = createAll(api, rawNs, n);
    String rawSplit = rawCpu.stop();
    Path jar = Envtest.repoRoot().resolve("operator/target/quarkus-app/quarkus-run.jar");
    Path log = Files.createTempFile("operator-", ".log");
    int port = 18080;
    List<String> cmd = new java.util.ArrayList<>(List.of("java", "-Xmx" + heap, "-XX:+UseSerialGC"));
    // e.g. -Dbench.operatorJvm="-XX:StartFlightRecording=filename=/tmp/op.jfr,settings=profile" to profile it
    String extra = System.getProperty("bench.operatorJvm", "");
    if (!extra.isBlank()) {
      cmd.addAll(List.of(extra.trim().split("\\s+")));
    }
    cmd.addAll(List.of("-Dquarkus.http.port=" + port, "-Dquarkus.operator-sdk.activate-leader-election-for-profiles=none",
        "-Dquarkus.log.level=WARN", "-Dquarkus.operator-sdk.namespaces=" + ns, "-jar", jar.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("KUBECONFIG", api.kubeconfig().toString());
    Process op = pb.start();
    HttpClient http = HttpClient.newHttpClient();
    long[] peak = {0, 0};
    Thread sampler = new Thread(() -> {
      while (op.isAlive()) {
        try {
          String status = Files.readString(Path.of("/proc/" + op.pid() + "/status"));
          peak[1] = Math.max(peak[1], kb(status, "VmHWM"));
          String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString()).body();
          peak[0] = Math.max(peak[0], (long) metrics.lines().filter(l -> l.startsWith("jvm_memory_used_bytes{area=\"heap\""))
              .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum());
          // once a second: each scrape renders every job's series, work the operator would not do
          // four times a second under a real Prometheus (15-60 s)
          Thread.sleep(1000);
        } catch (Exception e) {
          try {
            Thread.sleep(250);
          } catch (InterruptedException ie) {
            return;
          }
        }
      }
    });
    sampler.setDaemon(true);
    try {
      waitForMetrics(http, port, op, log);
      double applied;
      sampler.start();
      // the first Jobs are counted from one watch (each Job is read once), not by listing every
      // Job again and again: a list of 1,000 Jobs of this spec is 25 MB the API server would
      // serve, and this process parse, in the middle of what is measured
      java.util.Set<String> made = java.util.concurrent.ConcurrentHashMap.newKeySet();
      java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(n);
      CpuSplit opCpu = CpuSplit.start(op.toHandle());
      long t0 = System.nanoTime();
      try (io.fabric8.kubernetes.client.Watch w = api.client().batch().v1().jobs().inNamespace(ns).watch(
          new io.fabric8.kubernetes.client.Watcher<io.fabric8.kubernetes.api.model.batch.v1.Job>() {
            @Override
            public void eventReceived(Action action, io.fabric8.kubernetes.api.model.batch.v1.Job job) {
              if (action == Action.ADDED && made.add(job.getMetadata().getName())) {
                all.countDown();
              }
            }

            @Override
            public void onClose(io.fabric8.kubernetes.client.WatcherException e) {
              // the count below says how far it got
            }
          })) {
        applied = createAll(api, ns, n);
        all.await(600, TimeUnit.SECONDS);
      }
      int withJob = made.size();
      double firstJobs = (System.nanoTime() - t0) / 1e9;
      String opSplit = opCpu.stop();
      // -Dbench.histogram=<file>: what the operator's heap holds once every job has its Job
      String histogram = System.getProperty("bench.histogram", "");
      if (!histogram.isBlank()) {
        Process h = new ProcessBuilder("jcmd", Long.toString(op.pid()), "GC.class_histogram")
            .redirectErrorStream(true).redirectOutput(Path.of(histogram).toFile()).start();
        h.waitFor(60, TimeUnit.SECONDS);
      }
      Thread.sleep(3000);
      String metrics;
      try {
        metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
      } catch (java.io.IOException e) {
        metrics = "";
        System.out.println("operator metrics unreachable (alive: " + op.isAlive() + "); its log: " + log);
      }
      String p50 = metrics.lines().filter(l -> l.startsWith("rela_reconcile_seconds{quantile=\"0.5\"")).findFirst().orElse("?");
      String p99 = metrics.lines().filter(l -> l.startsWith("rela_reconcile_seconds{quantile=\"0.99\"")).findFirst().orElse("?");
      String count = metrics.lines().filter(l -> l.startsWith("rela_reconcile_seconds_count")).findFirst().orElse("?");
      System.out.printf("%n== operator scale benchmark ==%njobs: %d of the largest spec (%d bytes of JSON each)%n"
          + "raw API-server writes of the same objects (16 client threads, operator not watching): %.1f s%n"
          + "jobs created with the operator running: %.1f s%njobs with their first Job: %d after %.1f s%n"
          + "ratio first Jobs / raw writes: %.2fx%n"
          + "peak heap used: %.1f MiB (-Xmx%s)%npeak RSS: %.1f MiB%n%s%n%s%n%s%n"
          + "CPU seconds, raw writes: %s%nCPU seconds, operator run until every first Job: %s%nload: %s%n", n, bytes, raw,
          applied, withJob, firstJobs, firstJobs / raw, peak[0] / 1048576.0, heap, peak[1] / 1024.0, p50, p99, count,
          rawSplit, opSplit, Files.readString(Path.of("/proc/loadavg")).strip());
    } finally {
      op.destroy();
      op.waitFor(20, TimeUnit.SECONDS);
    }
  }

  private static void waitForMetrics(HttpClient http, int port, Process op, Path log) throws Exception {
    for (int i = 0; i < 120; i++) {
      if (!op.isAlive()) {
        throw new IllegalStateException("operator exited: " + Files.readString(log));
      }
      try {
        if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() < 500) {
          return;
        }
      } catch (java.io.IOException e) {
        // not up yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("operator did not start: " + Files.readString(log));
  }

  private static long kb(String status, String key) {
    return status.lines().filter(l -> l.startsWith(key + ":")).findFirst()
        .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(0L);
  }

  /** Creates jobs 0..n-1 in {@code ns} from the client threads; the seconds it took. */
  private static double createAll(KubeApiServer api, String ns, int n) throws InterruptedException {
    Writes.Result r = Writes.fanOut("create", n,
        k -> api.client().resources(ReLATrainingJob.class).inNamespace(ns).resource(largest(k)).create());
    if (r.failed() > 0) {
      throw new IllegalStateException(r.failed() + " creates failed");
    }
    return r.seconds();
  }

  /**
   * The largest spec the schema allows that Kubernetes still accepts in a pod template: every
   * free string at its 1,024-character bound, 64 tolerations and node-selector entries (label
   * keys and values at their own 63-character limits), and node affinity with 64 expressions;
   * deeper affinity lists stay short (64 x 64 x 64 values would pass the schema but not the API
   * server's request size). No claims: those wait for their owners' label.
   */
  static ReLATrainingJob largest(int i) {
    String name63 = "n".repeat(63);
    ReLATrainingJob j = new ReLATrainingJob();
    j.getMetadata().setName(String.format("job-%04d", i));
    ReLATrainingJobSpec s = new ReLATrainingJobSpec();
    j.setSpec(s);
    s.dataset = new DatasetSpec();
    s.dataset.format = DatasetFormat.FashionMNIST;
    s.dataset.path = "/data/" + "p".repeat(1018);
    s.dataset.evalPath = "/data/" + "e".repeat(1018);
    s.dataset.volume = new io.fabric8.kubernetes.api.model.VolumeBuilder().withName("data")
        .withNewNfs().withServer("s".repeat(253)).withPath("/" + "x".repeat(1023)).endNfs().build();
    s.image = "registry.example.com/" + "i".repeat(1024 - "registry.example.com/".length() - 2) + ":1";
    s.prior = new io.rela.api.spec.PriorSpec();
    s.prior.uri = "/models/" + "u".repeat(1016);
    s.priorityClassName = ("c".repeat(63) + ".").repeat(3) + "c".repeat(61);
    s.nodeSelector = new java.util.LinkedHashMap<>();
    s.tolerations = new java.util.ArrayList<>();
    List<io.fabric8.kubernetes.api.model.NodeSelectorRequirement> exprs = new java.util.ArrayList<>();
    for (int k = 0; k < 64; k++) {
      String key = String.format("node%02d.example.com/%s", k, name63);
      s.nodeSelector.put(key, name63);
      s.tolerations.add(new io.fabric8.kubernetes.api.model.TolerationBuilder().withKey(key).withOperator("Equal")
          .withValue(name63).withEffect("NoSchedule").build());
      exprs.add(new io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder().withKey(key).withOperator("In")
          .withValues(name63, name63.replace('n', 'm')).build());
    }
    s.affinity = new io.fabric8.kubernetes.api.model.AffinityBuilder().withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution().addNewNodeSelectorTerm().withMatchExpressions(exprs)
        .endNodeSelectorTerm().endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build();
    return j;
  }

  /**
   * Where the CPU went during a phase: seconds of user + system time of the API server, etcd,
   * the operator and this benchmark's own JVM (its client threads), from /proc.
   */
  private record CpuSplit(java.util.Map<String, Long> pids, java.util.Map<String, Long> ticks) {

    static CpuSplit start(ProcessHandle operator) {
      java.util.Map<String, Long> pids = new java.util.LinkedHashMap<>();
      ProcessHandle.allProcesses().forEach(h -> {
        String cmd = h.info().command().orElse("");
        if (cmd.endsWith("/kube-apiserver")) {
          pids.put("kube-apiserver", h.pid());
        } else if (cmd.endsWith("/etcd")) {
          pids.put("etcd", h.pid());
        }
      });
      if (operator != null) {
        pids.put("operator", operator.pid());
      }
      pids.put("benchmark client", ProcessHandle.current().pid());
      java.util.Map<String, Long> t = new java.util.LinkedHashMap<>();
      pids.forEach((k, v) -> t.put(k, Writes.cpuTicks(v)));
      return new CpuSplit(pids, t);
    }

    String stop() {
      StringBuilder b = new StringBuilder();
      pids.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ')
          .append(String.format(java.util.Locale.ROOT, "%.1f", (Writes.cpuTicks(v) - ticks.get(k)) / 100.0)));
      return b.toString();
    }
  }
}
