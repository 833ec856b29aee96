package io.rela.trainer.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rela.api.contract.Mounts;
import io.rela.api.contract.TrainerConfig;
import io.rela.trainer.checkpoint.RunIdentity;
import io.rela.trainer.config.JobSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Opens the experiment tracker a job names (spec.tracking), or for a local run the one MLflow's environment names. */
public final class Tracking {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Tracking() {}

  /**
   * The sink for {@code s}: spec.tracking.mlflow, else (when {@code fromEnvironment}, a local
   * {@code rela-trainer run}) MLFLOW_TRACKING_URI with MLFLOW_EXPERIMENT_NAME (default "rela");
   * null when neither names a server.
   */
  public static MlflowSink open(JobSettings s, String namespace, Path workspace, boolean fromEnvironment, PrintStream log) {
    String uri = null;
    String experiment = null;
    if (s.tracking() != null) {
      uri = s.tracking().trackingUri();
      experiment = s.tracking().experiment();
    } else if (fromEnvironment && System.getenv("MLFLOW_TRACKING_URI") != null && !System.getenv("MLFLOW_TRACKING_URI").isBlank()) {
      uri = System.getenv("MLFLOW_TRACKING_URI").strip();
      String e = System.getenv("MLFLOW_EXPERIMENT_NAME");
      experiment = e == null || e.isBlank() ? "rela" : e.strip();
    }
    if (uri == null) {
      return null;
    }
    RunIdentity identity = RunIdentity.of(s);
    Map<String, String> tags = new LinkedHashMap<>();
    if (namespace != null) {
      tags.put("rela.io/namespace", namespace);
    }
    tags.put("rela.io/job", s.name());
    if (s.uid() != null) {
      tags.put("rela.io/uid", s.uid());
    }
    tags.put("rela.io/spec-hash", identity.specHash());
    return new MlflowSink(new MlflowSink.Target(uri, experiment, token(), workspace, identity, params(s), tags), log,
        Duration.ofSeconds(15));
  }

  /** The bearer token: the mounted Secret's key, else MLFLOW_TRACKING_TOKEN, else none. */
  static String token() {
    Path file = Path.of(Mounts.MLFLOW_TOKEN, TrainerConfig.MLFLOW_TOKEN_KEY);
    try {
      if (Files.isRegularFile(file)) {
        String t = Files.readString(file, StandardCharsets.UTF_8).strip();
        return t.isEmpty() ? null : t;
      }
    } catch (IOException e) {
      // an unreadable token is a tracking failure the status will show, never a training failure
      return null;
    }
    String env = System.getenv("MLFLOW_TRACKING_TOKEN");
    return env == null || env.isBlank() ? null : env.strip();
  }

  /** The spec groups that change what training computes (as in the run's identity), flattened, and the image. */
  static Map<String, String> params(JobSettings s) {
    Map<String, Object> groups = new LinkedHashMap<>();
    groups.put("dataset", s.data());
    groups.put("prior", s.prior());
    groups.put("model", s.model());
    groups.put("training", s.training());
    groups.put("rela", s.rela());
    groups.put("evaluation", s.evaluation());
    Map<String, String> out = new LinkedHashMap<>();
    flatten("", JSON.valueToTree(groups), out);
    String image = System.getenv(TrainerConfig.IMAGE_ENV);
    out.put("image", image == null || image.isBlank() ? "local (rela-trainer run)" : image);
    return out;
  }

  private static void flatten(String prefix, JsonNode n, Map<String, String> out) {
    if (n.isObject()) {
      n.fields().forEachRemaining(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out));
    } else if (!n.isNull()) {
      String v = n.isTextual() ? n.asText() : n.toString();
      // MLflow keeps parameter values up to 6,000 characters
      out.put(prefix, v.startsWith("file://") ? v.substring("file://".length()) : v.length() > 6000 ? v.substring(0, 6000) : v);
    }
  }
}
