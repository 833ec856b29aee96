package io.rela.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.rela.testinfra.Envtest;
import io.rela.testinfra.ImageTarball;
import io.rela.testinfra.KubeApiServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator image as `make images` builds it, unpacked and started from its own
 * entrypoint and JRE against the real API server: it serves metrics and reconciles a job.
 * Runs when the images profile built the tarball (`make test`, `make images`).
 */
@EnabledIfSystemProperty(named = "rela.images", matches = "true")
class OperatorImageIT {

  private static final int PORT = 18082;

  @TempDir
  static Path dir;

  static ImageTarball image;

  @BeforeAll
  static void unpack() throws Exception {
    image = ImageTarball.unpack(Path.of("target", "jib-image.tar"), dir);
  }

  @Test
  void holdsOnlyTheFastJarAndRunsAsTheChartsUser() {
    assertThat(image.config().path("User").asText()).isEqualTo("10001:10001");
    assertThat(image.entrypoint()).containsSequence("-jar", "/deployments/quarkus-run.jar");
    assertThat(image.rootfs().resolve("deployments/quarkus-run.jar")).isRegularFile();
    assertThat(image.rootfs().resolve("deployments/lib")).isDirectory();
    assertThat(image.rootfs().resolve("app")).as("Jib's default classpath layers are filtered out").doesNotExist();
  }

  @Test
  void startsFromTheImageAndReconcilesAJob() throws Exception {
    try (KubeApiServer api = KubeApiServer.start()) {
      String ns = "image";
      api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
      // the kubeconfig is mounted where the container can read it, as a Secret would be
      Path kubeconfig = image.rootfs().resolve("tmp/kubeconfig");
      Files.writeString(kubeconfig, api.selfContainedKubeconfigYaml());
      kubeconfig.toFile().setReadable(true, false);
      Path log = dir.resolve("operator.log");
      Process operator = image.startEntrypoint(List.of(), Map.of("KUBECONFIG", "/tmp/kubeconfig",
          "QUARKUS_HTTP_PORT", String.valueOf(PORT)), log);
      try {
        String metrics = awaitMetrics(operator, log);
        assertThat(metrics).contains("rela_jobs");
        // the example's dataset claim, opened to jobs by its owners
        api.claim(ns, "datasets", "read-only");
        api.kubectl("apply", "-n", ns, "-f", Envtest.repoRoot().resolve("examples/relajob-fashion-mnist.yaml").toString())
            .assertSuccess();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (api.client().batch().v1().jobs().inNamespace(ns).withName("fashion-mnist-embed").get() == null) {
          assertThat(System.nanoTime()).as("embed Job created by the operator in the image; log:\n%s", Files.readString(log))
              .isLessThan(deadline);
          Thread.sleep(500);
        }
      } finally {
        ImageTarball.stop(operator);
      }
    }
  }

  private static String awaitMetrics(Process operator, Path log) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      assertThat(operator.isAlive()).as("operator in the image exited; log:\n%s", Files.readString(log)).isTrue();
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return r.body();
        }
      } catch (java.io.IOException notYet) {
        // still starting
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no metrics from the operator in the image within 90 s; log:\n" + Files.readString(log));
  }
}
