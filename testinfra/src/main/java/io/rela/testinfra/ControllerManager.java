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

  private ControllerManager(Process process) {
    this.process = process;
  }

  static ControllerManager start(Path kubeconfig) {
    try {
      Path log = Files.createTempFile("kube-controller-manager-", ".log");
      Process p = new ProcessBuilder(List.of(
          Envtest.kubeControllerManager().toString(),
          "--kubeconfig=" + kubeconfig,
          "--authentication-kubeconfig=" + kubeconfig,
          "--authorization-kubeconfig=" + kubeconfig,
          "--controllers=job,garbage-collector,serviceaccount-token,serviceaccount",
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
      return new ControllerManager(p);
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
