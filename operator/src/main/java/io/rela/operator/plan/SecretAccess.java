package io.rela.operator.plan;

import io.rela.api.ReLATrainingJob;
import io.rela.operator.resources.Labels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which Secrets a job asks its pods to mount (the MLflow token, the registry's credentials), and whether their owners allow
 * it: a Secret is mounted only if it carries {@link Labels#TRAINER_ACCESS}={@value Labels#CREDENTIALS}.
 * Creating a job must not lend a credential its author could not read.
 */
public final class SecretAccess {

  private SecretAccess() {}

  /** The Secrets {@code job} names, each with the field that names it. */
  public static Map<String, String> named(ReLATrainingJob job) {
    Map<String, String> names = new LinkedHashMap<>();
    var spec = job.getSpec();
    if (spec != null && spec.tracking != null && spec.tracking.mlflow != null && spec.tracking.mlflow.tokenSecretName != null) {
      names.put(spec.tracking.mlflow.tokenSecretName, "spec.tracking.mlflow.tokenSecretName");
    }
    if (spec != null && spec.export != null && spec.export.pushSecretName != null) {
      names.merge(spec.export.pushSecretName, "spec.export.pushSecretName", (a, b) -> a + ", " + b);
    }
    return names;
  }

  /**
   * Null when every Secret {@code job} names is opened to jobs; else what a person should do.
   * {@code access} holds the label value of each named Secret that exists and carries one.
   */
  public static String refusal(ReLATrainingJob job, Map<String, String> access) {
    List<String> refused = new ArrayList<>();
    for (Map.Entry<String, String> e : named(job).entrySet()) {
      String has = access.get(e.getKey());
      if (!Labels.CREDENTIALS.equals(has)) {
        refused.add("Secret " + e.getKey() + " (" + e.getValue() + "; " + (has == null ? "not labelled or not found" : "labelled " + has) + ")");
      }
    }
    if (refused.isEmpty()) {
      return null;
    }
    return "The job may not mount " + String.join(", ", refused) + ". The"
        + " namespace's owners allow a Secret with `kubectl label secret -n " + job.getMetadata().getNamespace() + " <secret> "
        + Labels.TRAINER_ACCESS + "=" + Labels.CREDENTIALS + "`; the job goes on within a minute of it.";
  }
}
