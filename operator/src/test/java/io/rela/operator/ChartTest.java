package io.rela.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.rela.api.status.ProgressStatus;
import io.rela.api.status.ReLATrainingJobStatus;
import io.rela.api.status.ResultsStatus;
import io.rela.api.status.Stage;
import io.rela.operator.metrics.JobMetrics;
import io.rela.testinfra.Envtest;
import io.rela.testinfra.KubeApiServer;
import io.rela.testinfra.KubeApiServerExtension;
import io.rela.testinfra.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Helm chart with the real helm binary: lint, golden templates, install, and exactly the RBAC it needs. */
@ExtendWith(KubeApiServerExtension.class)
class ChartTest {

  private static final Path CHART = Envtest.repoRoot().resolve("charts/rela-operator");
  private static final Path GOLDEN = CHART.resolve("tests");

  private static ProcessRunner.Result helm(KubeApiServer api, String... args) {
    List<String> cmd = new ArrayList<>(List.of(Envtest.helm().toString()));
    cmd.addAll(List.of(args));
    if (api != null) {
      cmd.add("--kubeconfig=" + api.kubeconfig());
    }
    Path home = Envtest.repoRoot().resolve("operator/target/helm-home");
    return ProcessRunner.run(cmd, Map.of("HELM_CACHE_HOME", home.resolve("cache").toString(),
        "HELM_CONFIG_HOME", home.resolve("config").toString(), "HELM_DATA_HOME", home.resolve("data").toString()),
        Envtest.repoRoot(), 120);
  }

  @Test
  void lintPasses() {
    ProcessRunner.Result r = helm(null, "lint", CHART.toString(), "--strict");
    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
    assertThat(r.stdout()).contains("0 chart(s) failed");
  }

  @Test
  void templatesMatchTheGoldenFiles() throws Exception {
    Map<String, List<String>> cases = Map.of(
        "default.yaml", List.of(),
        "namespaced-monitoring.yaml", List.of("--set", "watchNamespaces={team-a,team-b}", "--set", "metrics.serviceMonitor.enabled=true",
            "--set", "metrics.podMonitor.enabled=true", "--set", "grafanaDashboard.enabled=true"));
    for (var c : cases.entrySet()) {
      List<String> args = new ArrayList<>(List.of("template", "rela", CHART.toString(), "--namespace", "rela-system"));
      args.addAll(c.getValue());
      String out = helm(null, args.toArray(String[]::new)).assertSuccess().stdout();
      Path golden = GOLDEN.resolve(c.getKey());
      if ("1".equals(System.getenv("UPDATE_GOLDEN"))) {
        Files.createDirectories(GOLDEN);
        Files.writeString(golden, out);
      }
      assertThat(out).as("helm template differs from %s; run `make chart-golden` if the change is intended", golden)
          .isEqualTo(Files.readString(golden));
    }
  }

  @Test
  void aBadValueIsRefusedByTheSchema() {
    ProcessRunner.Result r = helm(null, "template", "rela", CHART.toString(), "--set", "image.pullPolicy=Sometimes");
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr()).contains("pullPolicy");
  }

  @Test
  void installGivesTheOperatorExactlyWhatItNeeds(KubeApiServer api) {
    api.kubectl("create", "namespace", "rela-system");
    helm(api, "install", "rela", CHART.toString(), "--namespace", "rela-system", "--skip-crds").assertSuccess();
    String sa = "system:serviceaccount:rela-system:rela-rela-operator";
    String[][] allowed = {
        {"watch", "relatrainingjobs.rela.io"}, {"patch", "relatrainingjobs.rela.io/status"}, {"create", "jobs.batch"},
        {"patch", "jobs.batch"}, {"delete", "jobs.batch"}, {"create", "configmaps"}, {"watch", "pods"}, {"create", "roles.rbac.authorization.k8s.io"},
        {"create", "rolebindings.rbac.authorization.k8s.io"}, {"create", "serviceaccounts"}, {"create", "persistentvolumeclaims"},
        {"watch", "persistentvolumeclaims"}, {"get", "secrets"},
        {"create", "events"}, {"watch", "events"}};
    String[][] denied = {
        {"delete", "relatrainingjobs.rela.io"}, {"create", "relatrainingjobs.rela.io"}, {"list", "secrets"}, {"watch", "secrets"},
        {"create", "pods"},
        {"patch", "relatrainingjobs.rela.io"}, {"update", "relatrainingjobs.rela.io/finalizers"}, {"delete", "configmaps"}, {"create", "clusterroles.rbac.authorization.k8s.io"},
        {"escalate", "roles.rbac.authorization.k8s.io"}, {"bind", "roles.rbac.authorization.k8s.io"}, {"create", "deployments.apps"},
        {"update", "customresourcedefinitions.apiextensions.k8s.io"}};
    try {
      for (String[] a : allowed) {
        assertThat(canI(api, sa, a[0], a[1])).as(a[0] + " " + a[1]).isEqualTo("yes");
      }
      for (String[] d : denied) {
        assertThat(canI(api, sa, d[0], d[1])).as(d[0] + " " + d[1]).isEqualTo("no");
      }
    assertThat(api.kubectl("get", "deployment", "rela-rela-operator", "-n", "rela-system", "-o", "jsonpath={.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem}")
        .assertSuccess().stdout()).isEqualTo("true");
    } finally {
      // the chart's admission policy is cluster-wide: it must not outlive this test
      helm(api, "uninstall", "rela", "--namespace", "rela-system", "--wait").assertSuccess();
    }
  }

  /** `kubectl auth can-i` for "resource" or "resource/subresource" (a trailing /x is a subresource, not a name). */
  private static String canI(KubeApiServer api, String sa, String verb, String what) {
    String[] parts = what.split("/", 2);
    List<String> args = new ArrayList<>(List.of("auth", "can-i", verb, parts[0], "-n", "ml", "--as", sa));
    if (parts.length == 2) {
      args.add("--subresource=" + parts[1]);
    }
    return api.kubectl(args.toArray(String[]::new)).stdout().strip();
  }

  /** The chart's ValidatingAdmissionPolicy: trainer images only from the allowed repositories. */
  @Test
  void trainerImagesOutsideTheAllowedRepositoriesAreRefused(KubeApiServer api) throws Exception {
    api.kubectl("create", "namespace", "rela-images");
    helm(api, "install", "images", CHART.toString(), "--namespace", "rela-images", "--skip-crds",
        "--set", "imagePolicy.allowedRepositories={registry.example.com/ml/rela-trainer}",
        // each policy test installs only its own policy: an uninstalled one lingers in the API server for a moment
        "--set", "jobPolicy.enabled=false").assertSuccess();
    try {
      api.kubectl("create", "namespace", "vap");
      String job = Files.readString(Envtest.repoRoot().resolve("examples/relajob-fashion-mnist.yaml"));
      String evil = job.replace("spec:\n", "spec:\n  image: docker.io/someone/miner:1\n");
      ProcessRunner.Result refused = null;
      for (int i = 0; i < 40; i++) { // the API server picks the policy up within a second or so
        refused = api.applyYaml("vap", evil.replace("name: fashion-mnist", "name: evil"));
        if (refused.exitCode() != 0) {
          break;
        }
        api.kubectl("delete", "relajob", "evil", "-n", "vap");
        Thread.sleep(250);
      }
      assertThat(refused.exitCode()).as(refused.stdout()).isNotZero();
      assertThat(refused.stderr()).contains("spec.image: docker.io/someone/miner:1 is not an allowed trainer image")
          .contains("rela/trainer, registry.example.com/ml/rela-trainer").contains("imagePolicy.allowedRepositories");
      api.applyYaml("vap", job.replace("spec:\n", "spec:\n  image: registry.example.com/ml/rela-trainer:0.2.0\n")).assertSuccess();
      api.applyYaml("vap", job.replace("name: fashion-mnist", "name: own").replace("spec:\n", "spec:\n  image: rela/trainer:0.1.1\n"))
          .assertSuccess();
      api.applyYaml("vap", job.replace("name: fashion-mnist", "name: plain")).assertSuccess();
      // a repository that merely starts like an allowed one is not that one
      ProcessRunner.Result lookalike = api.applyYaml("vap", job.replace("name: fashion-mnist", "name: lookalike")
          .replace("spec:\n", "spec:\n  image: rela/trainer-evil:1\n"));
      assertThat(lookalike.exitCode()).isNotZero();
    } finally {
      helm(api, "uninstall", "images", "--namespace", "rela-images", "--wait").assertSuccess();
    }
  }

  /**
   * The chart's job policy: what a job's author may ask of the cluster through the operator
   * (priority, tolerations, node labels, Kueue priority, dataset volume kinds, TorchScript
   * priors) is what the admins allowed, and each refusal names the field and the allowed set.
   */
  @Test
  void theJobPolicyRefusesWhatTheAdminsDidNotAllow(KubeApiServer api) throws Exception {
    String digest = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    api.kubectl("create", "namespace", "rela-policy");
    helm(api, "install", "policy", CHART.toString(), "--namespace", "rela-policy", "--skip-crds",
        "--set", "jobPolicy.priorityClasses={research-low}", "--set", "jobPolicy.datasetVolumes.csiDrivers={datasets.csi.example.com}",
        "--set", "jobPolicy.torchScriptPriors.sha256={" + digest + "}", "--set", "imagePolicy.enabled=false").assertSuccess();
    try {
      api.kubectl("create", "namespace", "tenant");
      String base = """
          apiVersion: rela.io/v1alpha1
          kind: ReLATrainingJob
          metadata:
            name: %s
          spec:
            dataset:
              format: FashionMNIST
              path: /data/fashion-mnist
          %s""";
      String[][] refused = {
          {"prio", "  priorityClassName: system-node-critical\n", "spec.priorityClassName: system-node-critical is not allowed; allowed: [research-low]"},
          {"tolerate-all", "  tolerations:\n  - operator: Exists\n", "spec.tolerations: every toleration must name a key, one of [nvidia.com/gpu]"},
          {"control-plane", "  tolerations:\n  - {key: node-role.kubernetes.io/control-plane, operator: Exists}\n", "spec.tolerations"},
          {"pin-node", "  nodeSelector:\n    kubernetes.io/hostname: node-7\n", "spec.nodeSelector: keys must be among"},
          {"affinity", "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n"
              + "        - matchExpressions:\n          - {key: kubernetes.io/hostname, operator: In, values: [node-7]}\n", "spec.affinity.nodeAffinity"},
          {"nfs", "", "spec.dataset.volume.nfs.server: 10.0.0.9 is not allowed; allowed: []"},
          {"csi", "", "spec.dataset.volume.csi.driver: other.csi.example.com is not allowed; allowed: [datasets.csi.example.com]"},
          {"script", "  prior:\n    type: TorchScript\n    uri: /data/any.pt\n", "a TorchScript prior is a program the trainer runs"},
          {"kueue-prio", "  queue: {name: team, priorityClass: urgent}\n", "spec.queue.priorityClass: urgent is not allowed"}};
      for (String[] r : refused) {
        String yaml = base.formatted(r[0], r[1]);
        if (r[0].equals("nfs")) {
          yaml = yaml.replace("path: /data/fashion-mnist", "path: /data/fashion-mnist\n    volume:\n      nfs: {server: 10.0.0.9, path: /export}");
        } else if (r[0].equals("csi")) {
          yaml = yaml.replace("path: /data/fashion-mnist", "path: /data/fashion-mnist\n    volume:\n      csi: {driver: other.csi.example.com}");
        }
        ProcessRunner.Result res = applyUntilRefused(api, "tenant", yaml, r[0]);
        assertThat(res.exitCode()).as(r[0] + ": " + res.stdout()).isNotZero();
        assertThat(res.stderr()).as(r[0]).contains(r[2]);
      }
      String[][] allowed = {
          {"gpu-node", "  tolerations:\n  - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}\n"
              + "  nodeSelector:\n    nvidia.com/gpu.product: NVIDIA-H200\n  priorityClassName: research-low\n"},
          {"pinned-script", "  prior:\n    type: TorchScript\n    uri: /data/clip.pt\n    sha256: " + digest + "\n"},
          {"csi-ok", "  workspace: {size: 1Gi}\n"},
          {"queued", "  queue: {name: team}\n"}};
      for (String[] a : allowed) {
        String yaml = base.formatted(a[0], a[1]);
        if (a[0].equals("csi-ok")) {
          yaml = yaml.replace("path: /data/fashion-mnist", "path: /data/fashion-mnist\n    volume:\n      csi: {driver: datasets.csi.example.com}");
        }
        api.applyYaml("tenant", yaml).assertSuccess();
      }
    } finally {
      helm(api, "uninstall", "policy", "--namespace", "rela-policy", "--wait").assertSuccess();
    }
  }

  /** The opt-in egress policy: trainer pods reach the API server, DNS and what the admins list, in each listed namespace. */
  @Test
  void theTrainerEgressPolicyAllowsOnlyTheApiServerDnsAndTheListedEndpoints() throws Exception {
    ProcessRunner.Result missing = helm(null, "template", "rela", CHART.toString(), "--set", "trainerNetworkPolicy.enabled=true",
        "--set", "trainerNetworkPolicy.namespaces={team-a}");
    assertThat(missing.exitCode()).isNotZero();
    assertThat(missing.stderr()).contains("trainerNetworkPolicy.apiServer.cidr");
    String out = helm(null, "template", "rela", CHART.toString(), "--set", "trainerNetworkPolicy.enabled=true",
        "--set", "trainerNetworkPolicy.namespaces={team-a,team-b}", "--set", "trainerNetworkPolicy.apiServer.cidr=10.96.0.1/32",
        "--show-only", "templates/trainer-networkpolicy.yaml").assertSuccess().stdout();
    ObjectMapper yaml = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    List<JsonNode> policies = new ArrayList<>();
    for (String doc : out.split("(?m)^---\\s*$")) {
      JsonNode n = yaml.readTree(doc);
      if (n != null && n.has("kind")) {
        policies.add(n);
      }
    }
    assertThat(policies).extracting(p -> p.path("metadata").path("namespace").asText()).containsExactly("team-a", "team-b");
    JsonNode spec = policies.get(0).path("spec");
    assertThat(spec.path("policyTypes").toString()).isEqualTo("[\"Egress\"]");
    assertThat(spec.path("podSelector").path("matchExpressions").get(0).path("key").asText()).isEqualTo("rela.io/job");
    assertThat(spec.path("egress")).hasSize(2);
    assertThat(spec.path("egress").get(0).path("to").get(0).path("ipBlock").path("cidr").asText()).isEqualTo("10.96.0.1/32");
    assertThat(spec.path("egress").get(1).path("ports").findValuesAsText("port")).containsExactly("53", "53");
  }

  /** Applies until the freshly installed policy refuses it (the API server picks a policy up within a second or so). */
  private static ProcessRunner.Result applyUntilRefused(KubeApiServer api, String ns, String yaml, String name) throws Exception {
    ProcessRunner.Result r = null;
    for (int i = 0; i < 40; i++) {
      r = api.applyYaml(ns, yaml);
      if (r.exitCode() != 0) {
        return r;
      }
      api.kubectl("delete", "relajob", name, "-n", ns);
      Thread.sleep(250);
    }
    return r;
  }

  /** The opt-in PrometheusRule: valid for promtool, and its alerts fire when (and only when) they should. */
  @Test
  void alertRulesPassPromtoolsChecksAndUnitTests(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    String out = helm(null, "template", "rela", CHART.toString(), "--set", "prometheusRule.enabled=true",
        "--show-only", "templates/prometheusrule.yaml").assertSuccess().stdout();
    ObjectMapper yaml = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    JsonNode rule = yaml.readTree(out);
    assertThat(rule.path("kind").asText()).isEqualTo("PrometheusRule");
    Files.writeString(dir.resolve("rules.yaml"), yaml.writeValueAsString(rule.path("spec")));
    Files.copy(GOLDEN.resolve("alerts_test.yaml"), dir.resolve("alerts_test.yaml"));
    ProcessRunner.Result check = ProcessRunner.run(List.of("promtool", "check", "rules", "rules.yaml"), Map.of(), dir, 60);
    assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();
    assertThat(check.stdout()).contains("SUCCESS: 3 rules found");
    ProcessRunner.Result test = ProcessRunner.run(List.of("promtool", "test", "rules", "alerts_test.yaml"), Map.of(), dir, 60);
    assertThat(test.exitCode()).as(test.stdout() + test.stderr()).isZero();
  }

  @Test
  void everyDashboardQueryNamesAnExportedMetric() throws Exception {
    JsonNode dash = new ObjectMapper().readTree(CHART.resolve("dashboards/rela.json").toFile());
    assertThat(dash.path("templating").path("list").findValuesAsText("name")).contains("job", "namespace");
    JsonNode row = dash.path("panels").get(0);
    assertThat(row.path("repeat").asText()).isEqualTo("job");
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
    JobMetrics metrics = new JobMetrics(registry);
    ReLATrainingJobStatus s = new ReLATrainingJobStatus();
    s.stage = Stage.Training;
    s.progress = new ProgressStatus();
    s.progress.epoch = 1;
    s.progress.totalEpochs = 2;
    s.progress.loss = 0.5;
    s.progress.phase = "ReLA";
    s.progress.subsetRatio = 0.5;
    s.progress.samplesPerSecond = 10.0;
    s.results = new ResultsStatus();
    metrics.record("ns", "j", s);
    metrics.timeReconcile(() -> 1);
    String scrape = registry.scrape();
    Set<String> exported = new HashSet<>();
    scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).forEach(l -> exported.add(l.split("[{ ]")[0]));
    Pattern metric = Pattern.compile("\\b(rela_[a-z_]+|jvm_[a-z_]+)\\b");
    int queries = 0;
    for (JsonNode expr : dash.findValues("expr")) {
      Matcher m = metric.matcher(expr.asText());
      while (m.find()) {
        queries++;
        assertThat(exported).as("metric %s in query %s", m.group(1), expr.asText()).contains(m.group(1));
      }
    }
    assertThat(queries).isGreaterThan(8);
  }
}
