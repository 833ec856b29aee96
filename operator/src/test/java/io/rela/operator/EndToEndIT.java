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

  @TempDir
  Path dir;

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
          "RELA_TRAINER_IMAGE", "rela/trainer:0.1.0", "RELA_TRAINER_METRICS_PORT", "0"));
      Process operator = opb.start();
      try (PodRunner node = new PodRunner(api.client(), ns, dir.resolve("node"), Map.of("datasets", datasets),
          c -> {
            List<String> cmd = new ArrayList<>(List.of("java", "-Dai.djl.offline=true", "-Xmx3g", "-jar", trainerJar.toString()));
            cmd.addAll(c.getArgs());
            cmd.add("--quiet");
            return cmd;
          },
          Map.of("KUBECONFIG", api.kubeconfig().toString(), "OMP_NUM_THREADS", "2"))) {
        api.kubectl("apply", "-n", ns, "-f", Envtest.repoRoot().resolve("examples/relajob-fashion-mnist.yaml").toString()).assertSuccess();

        Set<String> stages = new LinkedHashSet<>();
        Set<String> epochs = new LinkedHashSet<>();
        Set<String> phases = new LinkedHashSet<>();
        String last = "";
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MINUTES.toNanos(10);
        Map<String, String> row = Map.of();
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
        assertThat(Double.parseDouble(row.get("ACCURACY"))).as("linear-probe accuracy").isBetween(0.5, 1.0);
      } finally {
        operator.destroy();
        operator.waitFor(20, TimeUnit.SECONDS);
      }
    }
  }
}
