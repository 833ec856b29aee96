package io.rela.trainer.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rela.trainer.TestFiles;
import io.rela.trainer.cli.TrainerCli;
import io.rela.testinfra.MlflowServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer against a real MLflow server (`make mlflow`): what a run logs, read back through
 * MLflow's REST API; a killed trainer continues its MLflow run; a server that goes away mid-run
 * leaves training unaffected.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MlflowTrackingTest {

  @TempDir
  Path dir;

  private MlflowServer mlflow;

  @BeforeAll
  void startServer() throws Exception {
    mlflow = MlflowServer.start(Files.createTempDirectory("rela-mlflow-"));
  }

  @AfterAll
  void stopServer() {
    if (mlflow != null) {
      mlflow.close();
    }
  }

  /** A quick job reporting to {@code uri}, experiment {@code experiment}. */
  private Path job(String name, int samples, int epochs, String uri, String experiment) throws Exception {
    Path f = TestFiles.quickJob(dir, name, samples, epochs, "dataRatio: 0.5");
    Files.writeString(f, Files.readString(f) + "  tracking:\n    mlflow:\n      trackingUri: '" + uri + "'\n      experiment: "
        + experiment + "\n");
    return f;
  }

  private Process start(Path job, String workspace) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true", "-Xmx2g",
        TrainerCli.class.getName(), "run", job.toString(), "--workspace-root", dir.resolve(workspace).toString(), "--quiet"));
    return new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(workspace + ".log").toFile())).start();
  }

  private String log(String workspace) throws Exception {
    return Files.readString(dir.resolve(workspace + ".log"), StandardCharsets.UTF_8);
  }

  /** Waits until the run in {@code experiment} has metric {@code key} at {@code step}. */
  private String awaitMetric(String experiment, String key, int step, Process p, String workspace) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (System.nanoTime() < deadline) {
      List<JsonNode> runs = mlflow.runs(experiment);
      if (runs.size() == 1) {
        String id = runs.get(0).path("info").path("run_id").asText();
        if (mlflow.history(id, key).stream().anyMatch(h -> h[0] == step)) {
          return id;
        }
      }
      assertThat(p.isAlive()).as("trainer still running:\n%s", log(workspace)).isTrue();
      Thread.sleep(200);
    }
    throw new AssertionError("no " + key + " at step " + step + " in " + experiment + ":\n" + log(workspace));
  }

  private static Map<String, String> pairs(JsonNode list) {
    Map<String, String> m = new HashMap<>();
    list.forEach(n -> m.put(n.path("key").asText(), n.path("value").asText()));
    return m;
  }

  @Test
  void aRunLogsItsSpecEveryEpochAndTheFinalAccuraciesAndAKilledTrainerContinuesIt() throws Exception {
    Path job = job("tracked", 2048, 3, mlflow.uri(), "rela-tracked");
    Process first = start(job, "ws");
    // killed once its first epoch is in MLflow
    String runId = awaitMetric("rela-tracked", "loss", 1, first, "ws");
    first.destroyForcibly();
    first.waitFor(60, TimeUnit.SECONDS);
    Process second = start(job, "ws");
    assertThat(second.waitFor(8, TimeUnit.MINUTES)).isTrue();
    assertThat(second.exitValue()).as(log("ws")).isZero();

    List<JsonNode> runs = mlflow.runs("rela-tracked");
    assertThat(runs).as("one MLflow run for the job, continued after the kill").hasSize(1);
    JsonNode run = runs.get(0);
    assertThat(run.path("info").path("run_id").asText()).isEqualTo(runId);
    assertThat(run.path("info").path("status").asText()).isEqualTo("FINISHED");
    assertThat(run.path("info").path("run_name").asText()).isEqualTo("tracked");
    assertThat(log("ws")).contains("continuing run " + runId);
    Map<String, String> params = pairs(run.path("data").path("params"));
    assertThat(params).containsEntry("training.epochs", "3").containsEntry("model.backbone", "convnet4")
        .containsEntry("rela.dataRatio", "0.5").containsEntry("training.maxSamples", "2048").containsKey("prior.identity")
        .containsEntry("image", "local (rela-trainer run)");
    assertThat(pairs(run.path("data").path("tags"))).containsEntry("rela.io/job", "tracked").containsKey("rela.io/spec-hash");
    List<Double> steps = mlflow.history(runId, "loss").stream().map(h -> h[0]).distinct().sorted().toList();
    assertThat(steps).as("loss by epoch").containsExactly(1.0, 2.0, 3.0);
    assertThat(mlflow.history(runId, "subset_ratio")).allSatisfy(h -> assertThat(h[1]).isEqualTo(0.5));
    assertThat(mlflow.history(runId, "samples_per_second")).isNotEmpty();
    Map<String, String> metrics = pairs(run.path("data").path("metrics"));
    assertThat(metrics).containsKeys("linear_probe_accuracy", "knn_accuracy", "untrained_linear_probe_accuracy",
        "untrained_knn_accuracy", "full_data_equivalent_epochs");
    double probe = Double.parseDouble(metrics.get("linear_probe_accuracy"));
    JsonNode summary = io.rela.trainer.config.JobFiles.YAML.readTree(dir.resolve("ws/tracked/report/summary.json").toFile());
    assertThat(probe).as("the accuracy the run reported").isCloseTo(summary.path("linearProbeAccuracy").asDouble(), org.assertj.core.data.Offset.offset(1e-6));
    // every report carries the run: the status names it
    assertThat(Files.readString(dir.resolve("ws/tracked/progress.jsonl"))).contains("\"mlflowRunId\":\"" + runId + "\"");
  }

  @Test
  void aServerThatGoesAwayMidRunLeavesTrainingUnaffected() throws Exception {
    try (MlflowServer leaving = MlflowServer.start(Files.createTempDirectory("rela-mlflow-leaving-"))) {
      Path job = job("untracked", 2048, 3, leaving.uri(), "rela-leaving");
      Process p = start(job, "ws-gone");
      long t0 = System.nanoTime();
      awaitMetric0(leaving, p);
      leaving.stop();
      assertThat(p.waitFor(8, TimeUnit.MINUTES)).isTrue();
      System.out.printf("run with the server stopped after epoch 1: %.1f s%n", (System.nanoTime() - t0) / 1e9);
      assertThat(p.exitValue()).as(log("ws-gone")).isZero();
      assertThat(dir.resolve("ws-gone/untracked/report/summary.json")).exists();
      assertThat(log("ws-gone")).contains("MLflow write(s) not sent");
      String progress = Files.readString(dir.resolve("ws-gone/untracked/progress.jsonl"));
      assertThat(progress).as("the reports say the tracker is unavailable").contains("\"trackingError\":\"MLflow at " + leaving.uri());
    }
  }

  private void awaitMetric0(MlflowServer server, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (System.nanoTime() < deadline) {
      List<JsonNode> runs = server.runs("rela-leaving");
      if (runs.size() == 1 && !server.history(runs.get(0).path("info").path("run_id").asText(), "loss").isEmpty()) {
        return;
      }
      assertThat(p.isAlive()).as("trainer still running:\n%s", log("ws-gone")).isTrue();
      Thread.sleep(200);
    }
    throw new AssertionError("no epoch reached MLflow:\n" + log("ws-gone"));
  }
}
