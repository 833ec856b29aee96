package io.rela.testinfra;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.stream.Stream;

/** Locations of the repository and of the binaries `make envtest` builds. */
public final class Envtest {

  private Envtest() {}

  /** The binary cache, as `testinfra/envtest.sh dir` reports it. */
  public static Path dir() {
    String env = System.getenv("KUBE_API_TEST_DIR");
    if (env != null && !env.isBlank()) {
      return Paths.get(env);
    }
    String cache = System.getenv("XDG_CACHE_HOME");
    Path base = cache != null && !cache.isBlank() ? Paths.get(cache) : Paths.get(System.getProperty("user.home"), ".cache");
    return base.resolve("rela-operator").resolve("envtest");
  }

  /** The folder holding etcd, kube-apiserver, kube-controller-manager and kubectl. */
  public static Path binDir() {
    Path k8s = dir().resolve("k8s");
    try (Stream<Path> dirs = Files.list(k8s)) {
      return dirs.filter(p -> Files.isExecutable(p.resolve("kube-apiserver")))
          .max(Comparator.comparing(p -> p.getFileName().toString()))
          .orElseThrow(() -> new IllegalStateException("no kube-apiserver under " + k8s + ": run `make envtest`"));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(k8s + " is missing: run `make envtest` to build the Kubernetes binaries", e);
    }
  }

  public static Path kubectl() {
    return binDir().resolve("kubectl");
  }

  public static Path kubeControllerManager() {
    return binDir().resolve("kube-controller-manager");
  }

  /** kstatus (sigs.k8s.io/cli-utils) on objects from standard input: testinfra/kstatus, built by `make envtest`. */
  public static Path kstatus() {
    return dir().resolve("bin").resolve("kstatus");
  }

  public static Path helm() {
    return dir().resolve("bin").resolve("helm");
  }

  /** Root of the repository (set by the build; falls back to walking up to the Makefile). */
  public static Path repoRoot() {
    String prop = System.getProperty("rela.repo.root");
    if (prop != null && Files.exists(Paths.get(prop, "Makefile"))) {
      return Paths.get(prop);
    }
    Path p = Paths.get("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("Makefile"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("cannot find the repository root (no Makefile above " + new File("").getAbsolutePath() + ")");
    }
    return p;
  }
}
