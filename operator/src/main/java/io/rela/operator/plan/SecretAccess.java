package io.rela.operator.plan;

import io.rela.api.ReLATrainingJob;
import io.rela.operator.resources.Labels;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which Secrets a job asks its pods to mount (the MLflow token), and whether their owners allow
 * it: a Secret is mounted only if it carries {@link Labels#TRAINER_ACCESS}={@value Labels#CREDENTIALS}.
 * Creating a job must not lend a credential its author could not read.
 */
public final class SecretAccess {

  private SecretAccess() {}

  /** The Secrets {@code job} names. */
  public static Set<String> named(ReLATrainingJob job) {
    Set<String> names = new LinkedHashSet<>();
    var spec = job.getSpec();
    if (spec != null && spec.tracking != null && spec.tracking.mlflow != null && spec.tracking.mlflow.tokenSecretName != null) {
      names.add(spec.tracking.mlflow.tokenSecretName);
    }
    return names;
  }

  /**
   * Null when every Secret {@code job} names is opened to jobs; else what a person should do.
   * {@code access} holds the label value of each named Secret that exists and carries one.
   */
  public static String refusal(ReLATrainingJob job, Map<String, String> access) {
    List<String> refused = new ArrayList<>();
    for (String name : named(job)) {
      String has = access.get(name);
      if (!Labels.CREDENTIALS.equals(has)) {
        refused.add("Secret " + name + " (" + (has == null ? "not labelled or not found" : "labelled " + has) + ")");
      }
    }
    if (refused.isEmpty()) {
      return null;
    }
    return "The job may not mount " + String.join(", ", refused) + " (spec.tracking.mlflow.tokenSecretName). The"
        + " namespace's owners allow a Secret with `kubectl label secret -n " + job.getMetadata().getNamespace() + " <secret> "
        + Labels.TRAINER_ACCESS + "=" + Labels.CREDENTIALS + "`; the job goes on within a minute of it.";
  }
}
