package io.rela.operator.plan;

import io.rela.api.ReLATrainingJob;
import io.rela.operator.resources.Labels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which existing claims a job asks to mount, and whether their owners allow it: a claim a job
 * names (dataset, workspace, prior cache) is mounted only if it carries {@link Labels#TRAINER_ACCESS}
 * with enough access. Claims the operator creates for the job itself need no label.
 */
public final class ClaimAccess {

  private ClaimAccess() {}

  /** The claims {@code job} names, each with the access it needs. */
  public static Map<String, String> named(ReLATrainingJob job) {
    Map<String, String> need = new LinkedHashMap<>();
    var spec = job.getSpec();
    if (spec == null) {
      return need;
    }
    if (spec.dataset != null && spec.dataset.volume != null && spec.dataset.volume.getPersistentVolumeClaim() != null) {
      need.put(spec.dataset.volume.getPersistentVolumeClaim().getClaimName(), Labels.READ_ONLY);
    }
    if (spec.workspace != null && spec.workspace.claimName != null) {
      need.put(spec.workspace.claimName, Labels.READ_WRITE);
    }
    if (spec.prior != null && spec.prior.cacheClaimName != null) {
      need.put(spec.prior.cacheClaimName, Labels.READ_WRITE);
    }
    return need;
  }

  /**
   * Null when every claim {@code job} names allows what it needs; else what a person should
   * do. {@code access} holds the label value of each named claim that carries one.
   */
  public static String refusal(ReLATrainingJob job, Map<String, String> access) {
    List<String> refused = new ArrayList<>();
    for (Map.Entry<String, String> e : named(job).entrySet()) {
      String has = access.get(e.getKey());
      boolean ok = Labels.READ_WRITE.equals(has) || Labels.READ_ONLY.equals(e.getValue()) && Labels.READ_ONLY.equals(has);
      if (!ok) {
        refused.add("PersistentVolumeClaim " + e.getKey() + " (needs " + e.getValue() + ", "
            + (has == null ? "not labelled or not found" : "labelled " + has) + ")");
      }
    }
    if (refused.isEmpty()) {
      return null;
    }
    return "The job may not mount " + String.join(", ", refused) + ". The namespace's owners allow a claim with `kubectl"
        + " label pvc -n " + job.getMetadata().getNamespace() + " <claim> " + Labels.TRAINER_ACCESS + "=<read-only|read-write>`;"
        + " the job starts as soon as they do.";
  }
}
