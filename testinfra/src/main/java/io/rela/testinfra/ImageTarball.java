package io.rela.testinfra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A container image saved as a tarball (`docker save` layout, as Jib's buildTar writes it),
 * unpacked into a root filesystem so a test can run the image's entrypoint the way a
 * container runtime would: in its own mount and PID namespaces with /proc mounted, chrooted,
 * as the image's user, with only the image's environment.
 */
public final class ImageTarball {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path rootfs;
  private final JsonNode config;

  private ImageTarball(Path rootfs, JsonNode config) {
    this.rootfs = rootfs;
    this.config = config;
  }

  /** Unpacks every layer of {@code tarball}, in order, into {@code dir}/rootfs. */
  public static ImageTarball unpack(Path tarball, Path dir) throws IOException {
    if (!Files.isRegularFile(tarball)) {
      throw new IllegalStateException("image tarball " + tarball + " is missing: build it with `make images`");
    }
    Path meta = Files.createDirectories(dir.resolve("meta"));
    tar(List.of("-xf", tarball.toString(), "-C", meta.toString()));
    JsonNode manifest = JSON.readTree(meta.resolve("manifest.json").toFile()).get(0);
    JsonNode config = JSON.readTree(meta.resolve(manifest.get("Config").asText()).toFile()).get("config");
    Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
    for (JsonNode layer : manifest.get("Layers")) {
      // tar detects gzip itself; Jib's extended headers are not errors
      tar(List.of("--warning=no-unknown-keyword", "-xf", meta.resolve(layer.asText()).toString(), "-C", rootfs.toString()));
    }
    return new ImageTarball(rootfs, config);
  }

  /** The image's runtime config (Entrypoint, Cmd, Env, User, ...). */
  public JsonNode config() {
    return config;
  }

  public Path rootfs() {
    return rootfs;
  }

  public List<String> entrypoint() {
    List<String> out = new ArrayList<>();
    config.path("Entrypoint").forEach(n -> out.add(n.asText()));
    return out;
  }

  /**
   * Runs the entrypoint followed by {@code args} inside the image to completion. As root the
   * process runs as the image's user; otherwise in a user namespace mapped to the caller.
   */
  public ProcessRunner.Result runEntrypoint(List<String> args, long timeoutSeconds) {
    return runEntrypoint(args, Map.of(), timeoutSeconds);
  }

  /** As {@link #runEntrypoint(List, long)}, with {@code env} added to the image's environment. */
  public ProcessRunner.Result runEntrypoint(List<String> args, Map<String, String> env, long timeoutSeconds) {
    return ProcessRunner.run(command(args, env), Map.of(), rootfs, timeoutSeconds);
  }

  /**
   * Starts the entrypoint inside the image with {@code env} added to the image's environment,
   * its output to {@code log}. The host network is shared, as with hostNetwork.
   */
  public Process startEntrypoint(List<String> args, Map<String, String> env, Path log) throws IOException {
    return new ProcessBuilder(command(args, env)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /**
   * Stops a process started by {@link #startEntrypoint}: the image's process first (its
   * parent-death signal does not survive the switch to the image's user), then the launcher.
   */
  public static void stop(Process launcher) throws InterruptedException {
    List<ProcessHandle> inside = launcher.descendants().toList();
    inside.forEach(ProcessHandle::destroy);
    for (ProcessHandle h : inside) {
      try {
        h.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        h.destroyForcibly();
      }
    }
    launcher.destroy();
    if (!launcher.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      launcher.destroyForcibly();
    }
  }

  private List<String> command(List<String> args, Map<String, String> env) {
    boolean root = "root".equals(System.getProperty("user.name"));
    List<String> cmd = new ArrayList<>(List.of("unshare"));
    if (!root) {
      cmd.add("--map-root-user");
    }
    // --kill-child: the image's process dies with the test's handle on it
    cmd.addAll(List.of("--mount", "--pid", "--fork", "--kill-child", "--mount-proc=" + rootfs.resolve("proc"), "chroot"));
    String user = config.path("User").asText("");
    if (root && !user.isEmpty()) {
      cmd.add("--userspec=" + user);
    }
    String workDir = config.path("WorkingDir").asText("/");
    cmd.addAll(List.of(rootfs.toString(), "/usr/bin/env", "-i", "--chdir=" + (workDir.isEmpty() ? "/" : workDir)));
    config.path("Env").forEach(e -> cmd.add(e.asText()));
    env.forEach((k, v) -> cmd.add(k + "=" + v));
    cmd.addAll(entrypoint());
    cmd.addAll(args);
    return cmd;
  }

  private static void tar(List<String> args) {
    List<String> cmd = new ArrayList<>(List.of("tar"));
    cmd.addAll(args);
    ProcessRunner.run(cmd, Map.of(), null, 600).assertSuccess();
  }
}
