package io.rela.testinfra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What kstatus, the health library of Flux and of `kubectl wait`-style tools
 * (sigs.k8s.io/cli-utils/pkg/kstatus), computes for objects: testinfra/kstatus, built by
 * `make envtest`, run on their JSON.
 */
public final class Kstatus {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One object's kstatus: InProgress, Current, Failed, Terminating, NotFound or Unknown. */
  public record Result(String name, String status, String message) {}

  private Kstatus() {}

  /** kstatus of each object in {@code json}: one object or a List, as `kubectl get -o json` prints them. */
  public static List<Result> of(String json) {
    Path bin = Envtest.kstatus();
    if (!Files.isExecutable(bin)) {
      throw new IllegalStateException(bin + " is missing: build it with `make envtest`");
    }
    Path in = null;
    try {
      in = Files.createTempFile("kstatus-", ".json");
      Files.writeString(in, json);
      Process p = new ProcessBuilder(bin.toString()).redirectInput(in.toFile()).start();
      byte[] out = p.getInputStream().readAllBytes();
      String err = new String(p.getErrorStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("kstatus failed: " + err);
      }
      List<Result> results = new ArrayList<>();
      for (String line : new String(out).split("\n")) {
        if (!line.isBlank()) {
          JsonNode n = JSON.readTree(line);
          results.add(new Result(n.path("name").asText(), n.path("status").asText(), n.path("message").asText()));
        }
      }
      return results;
    } catch (IOException e) {
      throw new IllegalStateException("running " + bin, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      if (in != null) {
        try {
          Files.deleteIfExists(in);
        } catch (IOException ignored) {
          // a temp file left behind
        }
      }
    }
  }

  /** The kstatus of a single object. */
  public static Result ofOne(String json) {
    List<Result> r = of(json);
    if (r.size() != 1) {
      throw new IllegalStateException("expected one object, kstatus saw " + r.size());
    }
    return r.get(0);
  }
}
