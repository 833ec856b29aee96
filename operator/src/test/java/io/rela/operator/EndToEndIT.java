package io.rela.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.rela.testinfra.ControllerManager;
import io.rela.testinfra.Envtest;
import io.rela.testinfra.KubeApiServer;
import io.rela.testinfra.PodRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path: kube-apiserver + etcd + kube-controller-manager (the Job controller makes the
 * pods), the operator started from its built jar with the chart's settings, and a node
 * stand-in that runs each trainer pod's command as a local process. `kubectl apply` a job and
 * watch `kubectl get relajob` walk it to Succeeded.
 */
class EndToEndIT {

  private static final int TRAINER_METRICS = 19090;
  private static final int PROMETHEUS = 19091;

  @TempDir
  Path dir;

  /** Debian's Prometheus server on loopback, scraping the operator and the trainer every second. */
  private Process startPrometheus() throws Exception {
    Path cfg = dir.resolve("prometheus.yml");
    Files.writeString(cfg, """
        global:
          scrape_interval: 1s
        scrape_configs:
        - job_name: rela-operator
          static_configs: [{targets: ['127.0.0.1:18081']}]
        - job_name: rela-trainer
          static_configs: [{targets: ['127.0.0.1:%d']}]
        """.formatted(TRAINER_METRICS));
    return new ProcessBuilder("prometheus", "--config.file=" + cfg, "--storage.tsdb.path=" + dir.resolve("tsdb"),
        "--web.listen-address=127.0.0.1:" + PROMETHEUS)
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
  }

  private static String query(String promql) throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    var uri = java.net.URI.create("http://127.0.0.1:" + PROMETHEUS + "/api/v1/query?query="
        + java.net.URLEncoder.encode(promql, java.nio.charset.StandardCharsets.UTF_8));
    return http.send(java.net.http.HttpRequest.newBuilder(uri).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
  }

  /** promtool's complaints about an endpoint's exposition ("" when there are none). */
  private static String promtoolCheck(String url, java.util.function.Predicate<String> lines) throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    String body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    body = body.lines().filter(lines).reduce(new StringBuilder(), (sb, l) -> sb.append(l).append('\n'), StringBuilder::append).toString();
    Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    p.getOutputStream().write(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (p.waitFor() == 0) {
      return "";
    }
    java.util.regex.Matcher line = java.util.regex.Pattern.compile("line (\\d+)").matcher(out);
    return line.find() ? out + " >> " + body.lines().skip(Long.parseLong(line.group(1)) - 1).findFirst().orElse("") : out;
  }

  /** The row of a one-object `kubectl get` table, cut at the header's column starts (empty cells stay empty). */
  static Map<String, String> columns(String table) {
    List<String> lines = table.lines().filter(l -> !l.isBlank()).toList();
    if (lines.size() < 2) {
      return Map.of();
    }
    String header = lines.get(0);
    String row = lines.get(1);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\S+").matcher(header);
    List<int[]> spans = new ArrayList<>();
    List<String> names = new ArrayList<>();
    while (m.find()) {
      names.add(m.group());
      spans.add(new int[] {m.start()});
    }
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      int from = Math.min(spans.get(i)[0], row.length());
      int to = i + 1 < names.size() ? Math.min(spans.get(i + 1)[0], row.length()) : row.length();
      out.put(names.get(i), row.substring(from, to).strip());
    }
    return out;
  }

  private String trainerLogs() throws java.io.IOException {
    StringBuilder sb = new StringBuilder();
    Path node = dir.resolve("node");
    if (Files.isDirectory(node)) {
      try (var pods = Files.list(node)) {
        for (Path p : pods.sorted().toList()) {
          Path log = p.resolve("log.txt");
          if (Files.exists(log)) {
            List<String> lines = Files.readAllLines(log);
            sb.append("--- ").append(p.getFileName()).append('\n')
                .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()))).append('\n');
          }
        }
      }
    }
    return sb.toString();
  }

  @Test
  void kubectlApplyToAnEvaluatedModel() throws Exception {
    Path trainerJar = Envtest.repoRoot().resolve("trainer-image/target/rela-trainer.jar");
    Path operatorJar = Envtest.repoRoot().resolve("operator/target/quarkus-app/quarkus-run.jar");
    assertThat(trainerJar).exists();
    assertThat(operatorJar).exists();
    try (KubeApiServer api = KubeApiServer.start()) {
      api.controllerManager(ControllerManager.JOBS_AND_GC);
      String ns = "e2e";
      api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
      Path datasets = Files.createDirectories(dir.resolve("datasets"));
      Files.createSymbolicLink(datasets.resolve("fashion-mnist"), Path.of("/usr/share/datasets/fashion-mnist"));

      // the operator, configured as the chart's Deployment configures it
      ProcessBuilder opb = new ProcessBuilder(List.of("java", "-Xmx256m", "-jar", operatorJar.toString()))
          .redirectErrorStream(true).redirectOutput(dir.resolve("operator.log").toFile());
      opb.environment().putAll(Map.of("KUBECONFIG", api.kubeconfig().toString(), "QUARKUS_HTTP_PORT", "18081",
          "QUARKUS_OPERATOR_SDK_ACTIVATE_LEADER_ELECTION_FOR_PROFILES", "none",
          "RELA_TRAINER_IMAGE", "rela/trainer:0.1.0", "RELA_TRAINER_METRICS_PORT", String.valueOf(TRAINER_METRICS)));
      Process operator = opb.start();
      Process prometheus = startPrometheus();
      try (PodRunner node = new PodRunner(api.client(), ns, dir.resolve("node"), Map.of("datasets", datasets),
          c -> List.of("java", "-Dai.djl.offline=true", "-Xmx3g", "-jar", trainerJar.toString()),
          Map.of("KUBECONFIG", api.kubeconfig().toString(), "OMP_NUM_THREADS", "2"))) {
        // the example's dataset claim, opened to jobs by its owners
        api.claim(ns, "datasets", "read-only");
        api.kubectl("apply", "-n", ns, "-f", Envtest.repoRoot().resolve("examples/relajob-fashion-mnist.yaml").toString()).assertSuccess();

        Set<String> stages = new LinkedHashSet<>();
        Set<String> epochs = new LinkedHashSet<>();
        Set<String> phases = new LinkedHashSet<>();
        String last = "";
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MINUTES.toNanos(10);
        Map<String, String> row = Map.of();
        String trainerLint = null;
        while (System.nanoTime() < deadline) {
          if (stages.isEmpty() && System.nanoTime() - start > TimeUnit.SECONDS.toNanos(90)) {
            break;
          }
          last = api.kubectl("get", "relajob", "fashion-mnist", "-n", ns).stdout();
          row = columns(last);
          if (!row.getOrDefault("STAGE", "").isEmpty()) {
            stages.add(row.get("STAGE"));
          }
          if (!row.getOrDefault("PHASE", "").isEmpty()) {
            phases.add(row.get("PHASE"));
          }
          if (!row.getOrDefault("EPOCH", "").isEmpty()) {
            epochs.add(row.get("EPOCH"));
            if (trainerLint == null) {
              trainerLint = promtoolCheck("http://127.0.0.1:" + TRAINER_METRICS + "/metrics", l -> true);
            }
          }
          if (stages.contains("Succeeded") || stages.contains("Failed")) {
            break;
          }
          Thread.sleep(500);
        }
        assertThat(stages).as("stages seen; status:\n%s\ntrainer logs:\n%s\noperator log:\n%s",
            api.kubectl("get", "relajob", "fashion-mnist", "-n", ns, "-o", "jsonpath={.status}").stdout(), trainerLogs(),
            Files.readString(dir.resolve("operator.log"))).contains("Succeeded");
        assertThat(stages).containsSubsequence("Embedding", "Training", "Evaluating", "Succeeded");
        assertThat(epochs).contains("3/3");
        assertThat(epochs.stream().anyMatch(e -> e.startsWith("1/") || e.startsWith("2/"))).as("epochs seen: %s", epochs).isTrue();
        assertThat(phases).isNotEmpty().allMatch(p -> p.equals("ReLA") || p.equals("BYOL"));
        assertThat(row.get("SUBSET")).isEqualTo("0.5");

        // Prometheus scraped the trainer while it trained and the operator all along
        assertThat(trainerLint).as("promtool check metrics on the trainer").isEqualTo("");
        // the whole exposition parses; the project's own families also pass promtool's lint
        // (the runtime's own JVM/HTTP meters carry no help text, which the lint flags)
        assertThat(promtoolCheck("http://127.0.0.1:18081/metrics", l -> true)).doesNotContain("parsing error");
        assertThat(promtoolCheck("http://127.0.0.1:18081/metrics", l -> l.replaceFirst("^# (HELP|TYPE) ", "").startsWith("rela_")))
            .as("promtool check metrics on the operator's rela_ families").isEqualTo("");
        Thread.sleep(2500);
        String epoch = query("max_over_time(rela_epoch{relajob=\"fashion-mnist\"}[15m])");
        String ratio = query("max_over_time(rela_subset_ratio{relajob=\"fashion-mnist\"}[15m])");
        String operatorEpoch = query("rela_job_epoch{name=\"fashion-mnist\",namespace=\"e2e\"}");
        assertThat(epoch).contains("\"relajob\":\"fashion-mnist\"").containsPattern("\"[123]\"\\]");
        assertThat(ratio).contains("\"0.5\"]");
        assertThat(operatorEpoch).contains("\"3\"]");
        // 3 epochs on 3,000 images and a 10-epoch probe on 2,000: about 0.5 (seen 0.49 to 0.6);
        // chance is 0.1, so three times chance shows a trained, evaluated model without flaking
        assertThat(Double.parseDouble(row.get("ACCURACY"))).as("linear-probe accuracy").isBetween(0.3, 1.0);
      } finally {
        operator.destroy();
        prometheus.destroy();
        operator.waitFor(20, TimeUnit.SECONDS);
        prometheus.waitFor(20, TimeUnit.SECONDS);
      }
    }
  }
}
