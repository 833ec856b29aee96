package io.rela.testinfra;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real OCI registry (the CNCF distribution registry, built by `make envtest` from its module)
 * on loopback, plain HTTP, with htpasswd auth for one user and a filesystem store in {@code dir};
 * and crane (go-containerregistry) to read back what was pushed.
 */
public final class Registry implements AutoCloseable {

  private final Path dir;
  private final int port;
  private final Process process;

  private Registry(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  private static Path bin(String name) {
    Path p = Envtest.dir().resolve("bin").resolve(name);
    if (!Files.isExecutable(p)) {
      throw new IllegalStateException(p + " is missing: run `make envtest`");
    }
    return p;
  }

  /** Starts a registry that lets {@code user} with {@code password} push and pull. */
  public static Registry start(Path dir, String user, String password) throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("data"));
    String line = ProcessRunner.run(List.of(bin("registry").toString(), "htpasswd", user, password), Map.of(), null, 60)
        .assertSuccess().stdout();
    Files.writeString(dir.resolve("htpasswd"), line);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Files.writeString(dir.resolve("config.yml"), """
        version: 0.1
        log: {level: warn}
        storage:
          filesystem: {rootdirectory: %s}
        http: {addr: "127.0.0.1:%d"}
        auth:
          htpasswd: {realm: rela-test, path: %s}
        """.formatted(dir.resolve("data"), port, dir.resolve("htpasswd")));
    Process p = new ProcessBuilder(List.of(bin("registry").toString(), "serve", dir.resolve("config.yml").toString()))
        .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
    Registry r = new Registry(dir, port, p);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("registry exited: " + Files.readString(dir.resolve("registry.log")));
      }
      try {
        int code = http.send(HttpRequest.newBuilder(URI.create("http://" + r.host() + "/v2/")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode();
        if (code == 401 || code == 200) {
          return r;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    r.close();
    throw new IllegalStateException("registry did not answer within 60 s");
  }

  /** host:port of the registry. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  /** A Docker config.json (also a .dockerconfigjson Secret's content) with credentials for this registry. */
  public String dockerConfig(String user, String password) {
    String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return "{\"auths\": {\"" + host() + "\": {\"auth\": \"" + auth + "\"}}}";
  }

  /** Runs crane with {@code dockerConfigDir} as DOCKER_CONFIG (its config.json holds the credentials). */
  public static ProcessRunner.Result crane(Path dockerConfigDir, String... args) {
    List<String> cmd = new java.util.ArrayList<>(List.of(bin("crane").toString()));
    cmd.addAll(List.of(args));
    return ProcessRunner.run(cmd, Map.of("DOCKER_CONFIG", dockerConfigDir.toString()), null, 300);
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
