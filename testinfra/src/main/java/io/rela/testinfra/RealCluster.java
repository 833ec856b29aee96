package io.rela.testinfra;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-node cluster on this machine: etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler, containerd + runc, kubelet and kube-proxy (what `make node` builds and
 * installs), all in their own PID, mount, network and cgroup namespaces, run by
 * {@code testinfra/node/cluster.sh}. Pods get addresses on a CNI bridge inside that network
 * namespace; the test reaches the API server through a Unix socket in the run folder.
 *
 * <p>The node advertises {@value #GPUS} fake {@code nvidia.com/gpu} so GPU requests schedule;
 * a small provisioner binds every pending claim to a fresh hostPath volume owned by the
 * trainer's uid. {@link #close()} ends the namespace (every process in it dies, every mount
 * and network goes with it), removes the cgroups the kubelet made, and checks that no process
 * is left behind.
 */
public final class RealCluster implements AutoCloseable {

  public static final String NODE_NAME = "rela-node";
  /** The node's address (testinfra/node/cluster.sh). */
  public static final String NODE_IP = "10.201.0.1";
  public static final int GPUS = 8;
  /** The uid the images run as: provisioned volumes belong to it (hostPath ignores fsGroup). */
  public static final int POD_UID = 10001;

  private final Path run;
  private final Process namespace;
  private final OutputStream lifeline;
  private final UnixSocketBridge bridge;
  private final Path kubeconfig;
  private final KubernetesClient client;
  private final Thread provisioner;
  private volatile boolean closing;

  private RealCluster(Path run, Process namespace, UnixSocketBridge bridge, Path kubeconfig, KubernetesClient client) {
    this.run = run;
    this.namespace = namespace;
    this.lifeline = namespace.getOutputStream();
    this.bridge = bridge;
    this.kubeconfig = kubeconfig;
    this.client = client;
    this.provisioner = new Thread(this::provisionLoop, "real-node-provisioner");
    this.provisioner.setDaemon(true);
  }

  /** The folder holding the node's parts (`make node`). */
  public static Path nodeDir() {
    return Envtest.dir().resolve("node");
  }

  /** Starts the cluster and waits until the node is Ready with its GPUs advertised. */
  public static RealCluster start() throws IOException, InterruptedException {
    return start(false, false);
  }

  /**
   * Starts the cluster, with Kueue's controller manager when {@code kueue} (`make node` builds
   * it; {@link #awaitKueue()} waits for its webhooks), and an OCI registry on the node's address
   * when {@code registry} ({@link #registryHost()}, user `rela`, {@link #registryPassword()}).
   */
  public static RealCluster start(boolean kueue, boolean registry) throws IOException, InterruptedException {
    Path bin = Envtest.binDir();
    if (kueue && !Files.isExecutable(nodeDir().resolve("kueue/kueue"))) {
      throw new IllegalStateException(nodeDir().resolve("kueue/kueue") + " is missing: run `make node`");
    }
    for (Path p : List.of(bin.resolve("kubelet"), bin.resolve("kube-scheduler"), bin.resolve("kube-proxy"),
        nodeDir().resolve("relanode"), nodeDir().resolve("pause.tar"))) {
      if (!Files.isExecutable(p) && !Files.isRegularFile(p)) {
        throw new IllegalStateException(p + " is missing: run `make node`");
      }
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      throw new IllegalStateException("the real node needs root: it creates mount, network, PID and cgroup namespaces");
    }
    // a run killed with its JVM leaves its namespace dead but the kubelet's cgroups behind
    removeCgroups();
    // short: Unix socket paths must stay under 108 bytes
    Path run = Files.createTempDirectory("rela-node-");
    Path script = Envtest.repoRoot().resolve("testinfra/node/cluster.sh");
    Process ns = new ProcessBuilder(List.of("unshare", "--cgroup", "--mount", "--net", "--pid", "--fork", "--mount-proc",
        "--kill-child", "bash", script.toString(), run.toString(), bin.toString(), nodeDir().toString(), kueue ? "kueue" : "", registry ? "registry" : ""))
        .redirectOutput(run.resolve("unshare.log").toFile())
        .redirectErrorStream(true)
        .start();
    UnixSocketBridge bridge = null;
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (!Files.exists(run.resolve("ready"))) {
        if (!ns.isAlive()) {
          throw new IllegalStateException("the node's namespace exited with " + ns.exitValue() + ":\n" + tail(run.resolve("logs/cluster.log"), 30)
              + tail(run.resolve("unshare.log"), 10));
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the node did not come up within 180 s:\n" + tail(run.resolve("logs/cluster.log"), 30));
        }
        Thread.sleep(200);
      }
      bridge = UnixSocketBridge.start(run.resolve("api.sock"));
      String yaml = Files.readString(run.resolve("admin.kubeconfig")).replace("https://127.0.0.1:6443", "https://127.0.0.1:" + bridge.port());
      Path kubeconfig = run.resolve("host.kubeconfig");
      Files.writeString(kubeconfig, yaml);
      KubernetesClient client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(yaml)).build();
      RealCluster cluster = new RealCluster(run, ns, bridge, kubeconfig, client);
      try {
        cluster.awaitNode();
        cluster.advertiseGpus();
        cluster.provisioner.start();
        return cluster;
      } catch (RuntimeException | InterruptedException e) {
        cluster.close();
        throw e;
      }
    } catch (RuntimeException | IOException | InterruptedException e) {
      if (bridge != null) {
        bridge.close();
      }
      stopNamespace(ns, ns.getOutputStream());
      throw e;
    }
  }

  private void awaitNode() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      Node n = client.nodes().withName(NODE_NAME).get();
      if (n != null && n.getStatus() != null && n.getStatus().getConditions() != null) {
        for (NodeCondition c : n.getStatus().getConditions()) {
          if ("Ready".equals(c.getType()) && "True".equals(c.getStatus())) {
            return;
          }
        }
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("node " + NODE_NAME + " not Ready within 120 s; kubelet log:\n" + tail(run.resolve("logs/kubelet.log"), 30));
  }

  /** Waits until Kueue's manager serves and its webhooks are registered. */
  public void awaitKueue() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (!Files.exists(run.resolve("kueue-ready"))) {
      if (Files.exists(run.resolve("kueue-failed")) || System.nanoTime() > deadline) {
        throw new IllegalStateException("Kueue did not come up within 180 s:\n" + tail(run.resolve("logs/kueue-install.log"), 20)
            + tail(run.resolve("logs/kueue.log"), 30));
      }
      Thread.sleep(500);
    }
  }

  /** host:port of the node's registry, as pods and containerd reach it (plain HTTP). */
  public String registryHost() {
    return NODE_IP + ":5000";
  }

  /** The password of user `rela` of the node's registry. */
  public String registryPassword() throws IOException {
    return Files.readString(run.resolve("registry/password")).strip();
  }

  /** The last lines of Kueue's manager log (for a failed assertion's message). */
  public String kueueLog(int lines) {
    return tail(run.resolve("logs/kueue.log"), lines);
  }

  /** Extended resources a device plugin would report, patched into the node's status. */
  private void advertiseGpus() {
    client.nodes().withName(NODE_NAME).editStatus(n -> {
      n.getStatus().getCapacity().put("nvidia.com/gpu", new Quantity(String.valueOf(GPUS)));
      n.getStatus().getAllocatable().put("nvidia.com/gpu", new Quantity(String.valueOf(GPUS)));
      return n;
    });
  }

  /** Binds each pending claim to a new hostPath volume under the run folder, as a provisioner would. */
  private void provisionLoop() {
    while (!closing) {
      try {
        for (PersistentVolumeClaim c : client.persistentVolumeClaims().inAnyNamespace().list().getItems()) {
          boolean pending = c.getStatus() == null || c.getStatus().getPhase() == null || "Pending".equals(c.getStatus().getPhase());
          if (pending && c.getSpec().getVolumeName() == null && c.getMetadata().getDeletionTimestamp() == null) {
            provision(c);
          }
        }
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (closing) {
          return;
        }
        try {
          Thread.sleep(1000);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  private void provision(PersistentVolumeClaim c) {
    String name = "pv-" + c.getMetadata().getUid();
    if (client.persistentVolumes().withName(name).get() != null) {
      return;
    }
    try {
      Path dir = Files.createDirectories(run.resolve("pv").resolve(name));
      Files.setAttribute(dir, "unix:uid", POD_UID);
      Files.setAttribute(dir, "unix:gid", POD_UID);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Quantity size = c.getSpec().getResources() != null && c.getSpec().getResources().getRequests() != null
        ? c.getSpec().getResources().getRequests().get("storage") : null;
    PersistentVolume pv = new PersistentVolumeBuilder()
        .withNewMetadata().withName(name).addToLabels("rela.io/test-provisioned", "true").endMetadata()
        .withNewSpec()
        .withCapacity(Map.of("storage", size != null ? size : new Quantity("1Gi")))
        .withAccessModes(c.getSpec().getAccessModes())
        .withStorageClassName(c.getSpec().getStorageClassName() == null ? "" : c.getSpec().getStorageClassName())
        .withPersistentVolumeReclaimPolicy("Retain")
        .withNewClaimRef().withNamespace(c.getMetadata().getNamespace()).withName(c.getMetadata().getName())
        .withUid(c.getMetadata().getUid()).endClaimRef()
        .withNewHostPath().withPath(run.resolve("pv").resolve(name).toString()).withType("Directory").endHostPath()
        .endSpec()
        .build();
    client.persistentVolumes().resource(pv).create();
  }

  /**
   * A read-only volume at {@code hostPath} bound to claim {@code claim} in {@code namespace}:
   * how a dataset already on the node reaches the pods.
   */
  public void hostPathClaim(String namespace, String claim, Path hostPath) {
    String pv = namespace + "-" + claim;
    client.persistentVolumes().resource(new PersistentVolumeBuilder()
        .withNewMetadata().withName(pv).endMetadata()
        .withNewSpec()
        .withCapacity(Map.of("storage", new Quantity("1Gi")))
        .withAccessModes("ReadOnlyMany")
        .withStorageClassName("")
        .withPersistentVolumeReclaimPolicy("Retain")
        .withNewClaimRef().withNamespace(namespace).withName(claim).endClaimRef()
        .withNewHostPath().withPath(hostPath.toString()).withType("Directory").endHostPath()
        .endSpec().build()).create();
    client.persistentVolumeClaims().inNamespace(namespace).resource(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
        // opened to jobs read-only, as a namespace's owners would (the operator mounts no other claim)
        .withNewMetadata().withName(claim).addToLabels("rela.io/trainer-access", "read-only").endMetadata()
        .withNewSpec().withAccessModes("ReadOnlyMany").withStorageClassName("").withVolumeName(pv)
        .withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build()).create();
  }

  /** Imports an image tarball (`docker save` layout, as Jib writes it) into the node's containerd. */
  public void importImage(Path tarball) {
    if (!Files.isRegularFile(tarball)) {
      throw new IllegalStateException("image tarball " + tarball + " is missing: build it with `make images`");
    }
    ProcessRunner.run(List.of("ctr", "--address", run.resolve("containerd.sock").toString(), "-n", "k8s.io",
        "images", "import", tarball.toString()), Map.of(), null, 600).assertSuccess();
  }

  public KubernetesClient client() {
    return client;
  }

  /** An admin kubeconfig for kubectl and helm on this machine. */
  public Path kubeconfig() {
    return kubeconfig;
  }

  public ProcessRunner.Result kubectl(String... args) {
    List<String> cmd = new ArrayList<>(List.of(Envtest.kubectl().toString(), "--kubeconfig=" + kubeconfig));
    cmd.addAll(List.of(args));
    return ProcessRunner.run(cmd, Map.of(), Envtest.repoRoot(), 120);
  }

  public ProcessRunner.Result helm(String... args) {
    List<String> cmd = new ArrayList<>(List.of(Envtest.helm().toString(), "--kubeconfig", kubeconfig.toString()));
    cmd.addAll(List.of(args));
    return ProcessRunner.run(cmd, Map.of("HELM_CACHE_HOME", run.resolve("helm/cache").toString(),
        "HELM_CONFIG_HOME", run.resolve("helm/config").toString(), "HELM_DATA_HOME", run.resolve("helm/data").toString()),
        Envtest.repoRoot(), 300);
  }

  /** The last lines of one of the node's logs (kubelet, containerd, kube-apiserver, ...), for failure messages. */
  public String log(String component, int lines) {
    return tail(run.resolve("logs").resolve(component + ".log"), lines);
  }

  /** The folder of the node's logs. */
  public Path logs() {
    return run.resolve("logs");
  }

  @Override
  public void close() {
    closing = true;
    provisioner.interrupt();
    client.close();
    bridge.close();
    stopNamespace(namespace, lifeline);
    removeCgroups();
    String left = leftovers(run);
    try {
      keepLogs();
      deleteTree(run);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!left.isEmpty()) {
      throw new IllegalStateException("processes of the node outlived it: " + left);
    }
  }

  /** Closing the script's standard input makes it exit; the kernel then kills its whole PID namespace. */
  private static void stopNamespace(Process ns, OutputStream lifeline) {
    try {
      lifeline.close();
    } catch (IOException ignored) {
      // already closed: the process is gone
    }
    try {
      if (!ns.waitFor(30, TimeUnit.SECONDS)) {
        ns.destroyForcibly(); // --kill-child: the namespace's init dies with unshare
        ns.waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The kubelet's cgroups (kubepods/...) under this JVM's own cgroup in every v1 hierarchy. */
  private static void removeCgroups() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
        String[] f = line.split(":", 3);
        if (f.length < 3) {
          continue;
        }
        String mount = f[1].isEmpty() ? "unified" : f[1].startsWith("name=") ? f[1].substring(5) : f[1].split(",")[0];
        Path kubepods = Path.of("/sys/fs/cgroup", mount, f[2], "kubepods");
        for (int attempt = 0; attempt < 20 && Files.isDirectory(kubepods); attempt++) {
          try (Stream<Path> dirs = Files.walk(kubepods)) {
            for (Path d : dirs.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
              try {
                Files.delete(d); // rmdir of a cgroup: its control files go with it
              } catch (IOException busy) {
                // a dying process still holds it: the next attempt
              }
            }
          } catch (IOException | UncheckedIOException e) {
            // raced with the kernel: try again
          }
          if (Files.isDirectory(kubepods)) {
            Thread.sleep(250);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Processes whose command line names the run folder: none may be left once the namespace is gone. */
  static String leftovers(Path run) {
    StringBuilder out = new StringBuilder();
    String needle = run.toString();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
        try {
          String cmd = new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ');
          if (cmd.contains(needle)) {
            out.append(p.getFileName()).append(": ").append(cmd.strip()).append('\n');
          }
        } catch (IOException gone) {
          // exited meanwhile
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** The node's logs survive the run in target/real-node-logs/, for reading after a failure. */
  private void keepLogs() throws IOException {
    Path dest = Envtest.repoRoot().resolve("target/real-node-logs").resolve(run.getFileName().toString());
    Files.createDirectories(dest);
    if (Files.isDirectory(run.resolve("logs"))) {
      try (Stream<Path> logs = Files.list(run.resolve("logs"))) {
        for (Path l : logs.toList()) {
          Files.copy(l, dest.resolve(l.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    ProcessRunner.run(List.of("rm", "-rf", "--one-file-system", root.toString()), Map.of(), null, 300).assertSuccess();
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
    } catch (IOException e) {
      return "(no " + file.getFileName() + ")\n";
    }
  }
}
