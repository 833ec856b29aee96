package io.rela.testinfra;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A node stand-in for end-to-end tests (there is no kubelet): binds each pending pod that
 * carries {@code selector} labels to a fake node, runs its container's command as a local
 * process, and writes the pod status as a kubelet would. Volumes become local folders:
 * ConfigMaps are written out, claims map to folders the test provides (or fresh ones), and
 * every mount path in the arguments and in mounted files is rewritten to its folder.
 */
public final class PodRunner implements AutoCloseable {

  private final KubernetesClient client;
  private final Path root;
  private final Map<String, Path> claims;
  private final Function<Container, List<String>> entrypoint;
  private final Map<String, String> extraEnv;
  private final ExecutorService pool = Executors.newFixedThreadPool(2);
  private final Set<String> started = ConcurrentHashMap.newKeySet();
  private final Watch watch;

  /**
   * @param client admin client of the test API server
   * @param namespace namespace whose pods to run
   * @param root folder for the pods' local volumes
   * @param claims local folders standing in for PersistentVolumeClaims, by claim name
   * @param entrypoint the local command standing for a container image's entrypoint (the container's args follow it)
   * @param extraEnv environment every process gets (e.g. KUBECONFIG in place of a service account)
   */
  public PodRunner(KubernetesClient client, String namespace, Path root, Map<String, Path> claims,
      Function<Container, List<String>> entrypoint, Map<String, String> extraEnv) {
    this.client = client;
    this.root = root;
    this.claims = new ConcurrentHashMap<>(claims);
    this.entrypoint = entrypoint;
    this.extraEnv = extraEnv;
    this.watch = client.pods().inNamespace(namespace).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Pod pod) {
        if ((action == Action.ADDED || action == Action.MODIFIED) && pod.getStatus() != null
            && (pod.getStatus().getPhase() == null || "Pending".equals(pod.getStatus().getPhase()))
            && pod.getMetadata().getDeletionTimestamp() == null && started.add(pod.getMetadata().getUid())) {
          pool.submit(() -> run(pod));
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    });
  }

  private void run(Pod pod) {
    String ns = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    try {
      client.bindings().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.BindingBuilder()
          .withNewMetadata().withName(name).endMetadata()
          .withTarget(new ObjectReferenceBuilder().withKind("Node").withName("local-node").build()).build()).create();
    } catch (RuntimeException e) {
      // already bound
    }
    Container c = pod.getSpec().getContainers().get(0);
    String started = Instant.now().toString();
    try {
      Path podDir = Files.createDirectories(root.resolve(name));
      Map<String, Path> mounts = mounts(pod, c, podDir);
      // the image's entrypoint is a local command; only the container's own args see the mounts
      List<String> cmd = new ArrayList<>(entrypoint.apply(c));
      for (String a : c.getArgs() == null ? List.<String>of() : c.getArgs()) {
        cmd.add(rewrite(a, mounts));
      }
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(podDir.resolve("log.txt").toFile());
      for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
        String v = e.getValue();
        if (e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null) {
          v = fieldRef(pod, e.getValueFrom().getFieldRef().getFieldPath());
        }
        if (v != null) {
          pb.environment().put(e.getName(), rewrite(v, mounts));
        }
      }
      pb.environment().put("HOME", podDir.resolve("home").toString());
      pb.environment().putAll(extraEnv);
      setStatus(ns, name, "Running", null, started);
      Process p = pb.start();
      int code = p.waitFor();
      setStatus(ns, name, code == 0 ? "Succeeded" : "Failed", code, started);
    } catch (IOException | InterruptedException | RuntimeException e) {
      setStatus(ns, name, "Failed", 128, started);
    }
  }

  private static String fieldRef(Pod pod, String path) {
    if (path.startsWith("metadata.annotations['")) {
      String key = path.substring("metadata.annotations['".length(), path.length() - 2);
      return pod.getMetadata().getAnnotations() == null ? null : pod.getMetadata().getAnnotations().get(key);
    }
    if (path.startsWith("metadata.labels['")) {
      String key = path.substring("metadata.labels['".length(), path.length() - 2);
      return pod.getMetadata().getLabels().get(key);
    }
    return switch (path) {
      case "metadata.name" -> pod.getMetadata().getName();
      case "metadata.namespace" -> pod.getMetadata().getNamespace();
      default -> null;
    };
  }

  /** Mount path -> local folder, ConfigMaps written out with their paths rewritten. */
  private Map<String, Path> mounts(Pod pod, Container c, Path podDir) throws IOException {
    Map<String, Volume> volumes = new LinkedHashMap<>();
    pod.getSpec().getVolumes().forEach(v -> volumes.put(v.getName(), v));
    Map<String, Path> mounts = new LinkedHashMap<>();
    List<ConfigMap> configMaps = new ArrayList<>();
    List<Path> configDirs = new ArrayList<>();
    for (VolumeMount m : c.getVolumeMounts()) {
      Volume v = volumes.get(m.getName());
      Path dir;
      if (v.getPersistentVolumeClaim() != null) {
        dir = claims.computeIfAbsent(v.getPersistentVolumeClaim().getClaimName(), k -> mkdirs(root.resolve("claims").resolve(k)));
      } else if (v.getConfigMap() != null) {
        dir = Files.createDirectories(podDir.resolve("cm-" + v.getName()));
        configMaps.add(client.configMaps().inNamespace(pod.getMetadata().getNamespace()).withName(v.getConfigMap().getName()).get());
        configDirs.add(dir);
      } else {
        dir = Files.createDirectories(podDir.resolve("vol-" + v.getName()));
      }
      mounts.put(m.getMountPath(), dir);
    }
    for (int i = 0; i < configMaps.size(); i++) {
      if (configMaps.get(i) != null && configMaps.get(i).getData() != null) {
        for (var e : configMaps.get(i).getData().entrySet()) {
          Files.writeString(configDirs.get(i).resolve(e.getKey()), rewrite(e.getValue(), mounts));
        }
      }
    }
    return mounts;
  }

  private static Path mkdirs(Path p) {
    try {
      return Files.createDirectories(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces every mount path prefix (longest first) with its local folder, in one pass. */
  static String rewrite(String s, Map<String, Path> mounts) {
    if (mounts.isEmpty()) {
      return s;
    }
    List<String> keys = new ArrayList<>(mounts.keySet());
    keys.sort((a, b) -> b.length() - a.length());
    StringBuilder alt = new StringBuilder();
    for (String k : keys) {
      alt.append(alt.length() == 0 ? "" : "|").append(java.util.regex.Pattern.quote(k));
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?<![\\w/.-])(" + alt + ")(?=/|[^\\w.-]|$)").matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(mounts.get(m.group(1)).toString()));
    }
    m.appendTail(out);
    return out.toString();
  }

  private void setStatus(String ns, String name, String phase, Integer exitCode, String started) {
    Pod pod = client.pods().inNamespace(ns).withName(name).get();
    if (pod == null) {
      return;
    }
    var cs = new ContainerStatusBuilder().withName(pod.getSpec().getContainers().get(0).getName())
        .withImage(pod.getSpec().getContainers().get(0).getImage()).withImageID("local").withRestartCount(0)
        .withReady("Running".equals(phase)).withStarted("Running".equals(phase));
    if (exitCode == null) {
      cs.withNewState().withNewRunning().withStartedAt(started).endRunning().endState();
    } else {
      cs.withNewState().withNewTerminated().withExitCode(exitCode).withReason(exitCode == 0 ? "Completed" : "Error")
          .withStartedAt(started).withFinishedAt(Instant.now().toString()).endTerminated().endState();
    }
    pod.setStatus(new PodStatusBuilder(pod.getStatus()).withPhase(phase).withStartTime(started)
        .withContainerStatuses(cs.build()).build());
    try {
      client.pods().inNamespace(ns).resource(pod).updateStatus();
    } catch (RuntimeException e) {
      // a newer status write won; the next event retries
    }
  }

  @Override
  public void close() {
    watch.close();
    pool.shutdownNow();
  }
}
