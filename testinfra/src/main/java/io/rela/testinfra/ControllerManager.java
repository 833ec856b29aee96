package io.rela.testinfra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * kube-controller-manager against the test API server, running only the controllers the
 * tests need: the Job controller (creates Pods for Jobs) and the garbage collector (deletes
 * owned objects when their owner goes).
 */
public final class ControllerManager implements AutoCloseable {

  private final Process process;
  private final Path log;

  private ControllerManager(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** What kube-controller-manager has logged so far, for failure messages. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "";
    }
  }

  /** The Job controller (creates Pods for Jobs) and the garbage collector. */
  public static final String JOBS_AND_GC = "job-controller,garbage-collector-controller,persistentvolumeclaim-protection-controller";
  /** Only the garbage collector: tests that play the Job controller themselves. */
  public static final String GC_ONLY = "garbage-collector-controller,persistentvolumeclaim-protection-controller";

  static ControllerManager start(Path kubeconfig, String controllers) {
    try {
      Path log = Files.createTempFile("kube-controller-manager-", ".log");
      log.toFile().deleteOnExit();
      Process p = new ProcessBuilder(List.of(
          Envtest.kubeControllerManager().toString(),
          "--kubeconfig=" + kubeconfig,
          "--authentication-kubeconfig=" + kubeconfig,
          "--authorization-kubeconfig=" + kubeconfig,
          "--controllers=" + controllers,
          "--use-service-account-credentials=false",
          "--leader-elect=false",
          "--secure-port=0",
          "--concurrent-gc-syncs=5",
          "--v=1"))
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      if (p.waitFor(2, TimeUnit.SECONDS)) {
        throw new IllegalStateException("kube-controller-manager exited with " + p.exitValue() + ": " + Files.readString(log));
      }
      return new ControllerManager(p, log);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start kube-controller-manager", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
