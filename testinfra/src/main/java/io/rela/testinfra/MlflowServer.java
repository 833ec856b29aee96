package io.rela.testinfra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real MLflow tracking server (PyPI's mlflow, installed by `make mlflow` into the test cache),
 * on loopback with a SQLite store in {@code dir}, and its REST API to read back what was logged.
 */
public final class MlflowServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path dir;
  private final int port;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private Process process;

  private MlflowServer(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** The mlflow command of the test environment. */
  public static Path command() {
    String version = System.getProperty("rela.mlflowVersion", "3.17.2");
    Path p = Envtest.dir().resolve("mlflow-" + version).resolve("bin/mlflow");
    if (!Files.isExecutable(p)) {
      throw new IllegalStateException(p + " is missing: run `make mlflow`");
    }
    return p;
  }

  /** Starts a server with its store in {@code dir} and waits until its API answers. */
  public static MlflowServer start(Path dir) throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    MlflowServer m = new MlflowServer(dir, port);
    m.startProcess();
    return m;
  }

  private void startProcess() throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("artifacts"));
    process = new ProcessBuilder(List.of(command().toString(), "server", "--backend-store-uri", "sqlite:///" + dir.resolve("mlflow.db"),
        "--default-artifact-root", dir.resolve("artifacts").toString(), "--host", "127.0.0.1", "--port", String.valueOf(port),
        "--workers", "1"))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mlflow-server.log").toFile())).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("mlflow server exited with " + process.exitValue() + ":\n"
            + RealCluster.tail(dir.resolve("mlflow-server.log"), 30));
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(uri() + "/health")).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("mlflow server did not answer within 180 s:\n" + RealCluster.tail(dir.resolve("mlflow-server.log"), 30));
  }

  public String uri() {
    return "http://127.0.0.1:" + port;
  }

  /** GET of an MLflow REST path (after /api/2.0/mlflow/), as JSON. */
  public JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(uri() + "/api/2.0/mlflow/" + pathAndQuery))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + pathAndQuery + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }

  /** POST of an MLflow REST path with a JSON body, as JSON. */
  public JsonNode post(String path, String body) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(uri() + "/api/2.0/mlflow/" + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("POST " + path + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }

  /** The runs of experiment {@code name} (none when it does not exist). */
  public List<JsonNode> runs(String experiment) throws IOException, InterruptedException {
    JsonNode e;
    try {
      e = get("experiments/get-by-name?experiment_name=" + java.net.URLEncoder.encode(experiment, java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException notFound) {
      return List.of();
    }
    String id = e.path("experiment").path("experiment_id").asText();
    JsonNode found = post("runs/search", "{\"experiment_ids\": [\"" + id + "\"], \"max_results\": 100}");
    List<JsonNode> out = new java.util.ArrayList<>();
    found.path("runs").forEach(out::add);
    return out;
  }

  /** The history of metric {@code key} of run {@code runId}: (step, value) pairs in the server's order. */
  public List<double[]> history(String runId, String key) throws IOException, InterruptedException {
    JsonNode h = get("metrics/get-history?run_id=" + runId + "&metric_key=" + key);
    List<double[]> out = new java.util.ArrayList<>();
    h.path("metrics").forEach(m -> out.add(new double[] {m.path("step").asDouble(), m.path("value").asDouble()}));
    return out;
  }

  /** Stops the server (and everything it started). */
  public void stop() {
    if (process != null && process.isAlive()) {
      process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    stop();
  }
}
