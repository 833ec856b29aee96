package io.rela.trainer.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.rela.api.contract.ProgressReport;
import io.rela.testinfra.KubeApiServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Progress writes are asynchronous, bounded, rate-limited, backing off; the final results are not lost silently. */
class ConfigMapSinkTest {

  private static ProgressReport step(long step) {
    ProgressReport r = new ProgressReport();
    r.stage = io.rela.api.contract.TrainerStage.Training;
    r.step = step;
    return r;
  }

  private static void await(java.util.function.BooleanSupplier cond, long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (!cond.getAsBoolean() && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
  }

  @Test
  void aSlowApiServerNeverSlowsTrainingAndWritesAreRateLimited() throws Exception {
    List<ProgressReport> written = new CopyOnWriteArrayList<>();
    ConfigMapSink sink = new ConfigMapSink(r -> {
      Thread.sleep(300); // a slow API server
      written.add(r);
    }, "ns/j-progress", 500, Duration.ofSeconds(5));
    long slowest = 0;
    for (int i = 0; i < 150; i++) {
      long t0 = System.nanoTime();
      sink.report(step(i));
      slowest = Math.max(slowest, System.nanoTime() - t0);
      Thread.sleep(10);
    }
    assertThat(slowest).as("report() never waits for a write").isLessThan(Duration.ofMillis(50).toNanos());
    // about 2 s of steps: the stage change at once, then at most one write per 500 ms
    assertThat(written.size()).isBetween(2, 6);
    ProgressReport end = step(150);
    end.epochEnd = true;
    end.epoch = 1;
    sink.report(end);
    await(() -> written.stream().anyMatch(r -> Integer.valueOf(1).equals(r.epoch)), 2_000);
    assertThat(written).as("an epoch end goes out without waiting for the interval").anyMatch(r -> Integer.valueOf(1).equals(r.epoch));
    sink.close();
  }

  @Test
  void failedWritesBackOffAndTheNewestReportGoesOutWhenTheServerIsBack() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    List<ProgressReport> written = new CopyOnWriteArrayList<>();
    ConfigMapSink sink = new ConfigMapSink(r -> {
      if (attempts.incrementAndGet() <= 2) {
        throw new IllegalStateException("connection refused");
      }
      written.add(r);
    }, "ns/j-progress", 100, Duration.ofSeconds(5));
    for (int i = 0; i < 20; i++) {
      sink.report(step(i));
      Thread.sleep(50);
    }
    await(() -> !written.isEmpty(), 6_000);
    // 1 s then 2 s of backoff: two failed attempts, not one per report
    assertThat(attempts.get()).isLessThanOrEqualTo(4);
    assertThat(written).isNotEmpty();
    assertThat(written.get(written.size() - 1).step).as("the newest report, not a stale one").isEqualTo(19L);
    sink.close();
  }

  @Test
  void theApiServerStopsMidRunTrainingGoesOnAndUnwritableResultsFailTheStage() throws Exception {
    KubeApiServer api = KubeApiServer.start();
    boolean stopped = false;
    try {
      api.client().configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("j-progress")
          .endMetadata().build()).create();
      Config config = new ConfigBuilder(Config.fromKubeconfig(api.kubeconfigYaml())).withRequestRetryBackoffLimit(0)
          .withConnectionTimeout(2_000).withRequestTimeout(5_000).build();
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
        ConfigMapSink real = new ConfigMapSink(client, "default", "j-progress", 200, Duration.ofSeconds(4));
        real.report(step(1));
        await(() -> real.writes() > 0, 10_000);
        assertThat(api.client().configMaps().inNamespace("default").withName("j-progress").get().getData()
            .get(ProgressReport.CONFIG_MAP_KEY)).contains("\"step\":1");

        api.close();
        stopped = true;
        long slowest = 0;
        for (int i = 2; i < 100; i++) {
          long t0 = System.nanoTime();
          real.report(step(i));
          slowest = Math.max(slowest, System.nanoTime() - t0);
          Thread.sleep(20);
        }
        assertThat(slowest).as("training goes on while the API server is away").isLessThan(Duration.ofMillis(50).toNanos());
        ProgressReport results = step(100);
        results.stage = io.rela.api.contract.TrainerStage.Evaluating;
        results.linearProbeAccuracy = 0.81;
        real.report(results);
        long t0 = System.nanoTime();
        assertThatThrownBy(real::close).isInstanceOf(ConfigMapSink.FinalWriteException.class)
            .hasMessageContaining("default/j-progress").hasMessageContaining("results");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
      }
    } finally {
      if (!stopped) {
        api.close();
      }
    }
  }

}
