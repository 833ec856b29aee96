package io.rela.testinfra;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real kube-apiserver and etcd (the binaries `make envtest` builds), started offline, with
 * the project's CRDs installed. One instance serves a whole test JVM; see {@link KubeApiServerExtension}.
 */
public final class KubeApiServer implements AutoCloseable {

  private final KubeAPIServer server;
  private final Path kubeconfig;
  private final KubernetesClient client;
  private ControllerManager controllerManager;
  private String controllerSet;

  private KubeApiServer(KubeAPIServer server, Path kubeconfig, KubernetesClient client) {
    this.server = server;
    this.kubeconfig = kubeconfig;
    this.client = client;
  }

  /** Starts etcd and the API server and installs every CRD under {@code crds/}. */
  public static KubeApiServer start() {
    Path dir = Envtest.dir();
    Envtest.binDir(); // fails early with the make target to run
    KubeAPIServer server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
        .withTestDir(dir.toString())
        .withOfflineMode(true)
        .withUpdateKubeConfig(false)
        .withStartupTimeout(120_000)
        .build());
    server.start();
    try {
      String yaml = server.getKubeConfigYaml();
      Path kubeconfig = Files.createTempFile("rela-kubeconfig-", ".yaml");
      kubeconfig.toFile().deleteOnExit();
      Files.writeString(kubeconfig, yaml);
      KubernetesClient client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(yaml)).build();
      KubeApiServer api = new KubeApiServer(server, kubeconfig, client);
      api.installCrds(Envtest.repoRoot().resolve("crds"));
      return api;
    } catch (IOException e) {
      server.stop();
      throw new UncheckedIOException(e);
    }
  }

  /** Creates (or replaces) the CRDs found in a folder and waits until the server serves them. */
  public void installCrds(Path folder) throws IOException {
    List<CustomResourceDefinition> crds = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          for (HasMetadata o : client.load(in).items()) {
            if (o instanceof CustomResourceDefinition crd) {
              crds.add(crd);
            }
          }
        }
      }
    }
    for (CustomResourceDefinition crd : crds) {
      crd.getMetadata().setResourceVersion(null);
      client.apiextensions().v1().customResourceDefinitions().resource(crd).createOr(r -> r.update());
      client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
          .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
              && c.getStatus().getConditions().stream()
              .anyMatch(cond -> "Established".equals(cond.getType()) && "True".equals(cond.getStatus())),
              60, TimeUnit.SECONDS);
    }
  }

  /**
   * A claim in {@code ns} that its owners opened to ReLATrainingJobs ({@code access}: read-only or
   * read-write; null: not opened). No volume binds it: the tests that use it run no kubelet.
   */
  public void claim(String ns, String name, String access) {
    client.persistentVolumeClaims().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
        .withNewMetadata().withName(name).withLabels(access == null ? java.util.Map.of() : java.util.Map.of("rela.io/trainer-access", access))
        .endMetadata()
        .withNewSpec().withAccessModes("ReadWriteMany").withNewResources()
        .addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity("1Gi")).endResources().endSpec().build())
        .createOr(r -> r.update());
  }

  public KubernetesClient client() {
    return client;
  }

  /** A kubeconfig file for kubectl, helm and out-of-process operators. */
  public Path kubeconfig() {
    return kubeconfig;
  }

  public String kubeconfigYaml() {
    return server.getKubeConfigYaml();
  }

  /**
   * The kubeconfig with its certificate and key files inlined as base64 data: for a process
   * that cannot see this machine's files (one chrooted into an image).
   */
  public String selfContainedKubeconfigYaml() {
    var m = java.util.regex.Pattern.compile("(?m)^(\\s*)(certificate-authority|client-certificate|client-key):\\s*(\\S+)\\s*$")
        .matcher(kubeconfigYaml());
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      try {
        String data = java.util.Base64.getEncoder().encodeToString(java.nio.file.Files.readAllBytes(Path.of(m.group(3))));
        m.appendReplacement(out, m.group(1) + m.group(2) + "-data: " + data);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Runs the envtest kubectl against this server. */
  public ProcessRunner.Result kubectl(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Envtest.kubectl().toString());
    cmd.add("--kubeconfig=" + kubeconfig);
    cmd.addAll(List.of(args));
    return ProcessRunner.run(cmd, Map.of(), Envtest.repoRoot(), 120);
  }

  /** `kubectl apply` of a YAML text (written to a temporary file) in {@code namespace}. */
  public ProcessRunner.Result applyYaml(String namespace, String yaml) {
    try {
      Path f = Files.createTempFile("apply-", ".yaml");
      try {
        Files.writeString(f, yaml);
        return kubectl("apply", "-n", namespace, "-f", f.toString());
      } finally {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts kube-controller-manager with the given controllers once; later calls reuse it (and
   * must ask for the same controllers).
   */
  public synchronized ControllerManager controllerManager(String controllers) {
    if (controllerManager == null) {
      controllerManager = ControllerManager.start(kubeconfig, controllers);
      controllerSet = controllers;
    } else if (!controllerSet.equals(controllers)) {
      throw new IllegalStateException("kube-controller-manager already runs " + controllerSet + ", not " + controllers);
    }
    return controllerManager;
  }

  @Override
  public void close() {
    if (controllerManager != null) {
      controllerManager.close();
    }
    client.close();
    server.stop();
  }
}
