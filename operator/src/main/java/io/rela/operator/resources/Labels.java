package io.rela.operator.resources;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.rela.api.ReLATrainingJob;
import java.util.LinkedHashMap;
import java.util.Map;

/** Labels, owner references and metadata every owned object carries. */
public final class Labels {

  /** Name of the owning ReLATrainingJob; the operator's informers map objects back by it. */
  public static final String JOB = "rela.io/job";
  public static final String STAGE = "rela.io/stage";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGER = "rela-operator";
  /** Label prefixes copied from the job to its Jobs and pods (queueing systems read them there). */
  /**
   * Set by a namespace's owners on a PersistentVolumeClaim that jobs may mount: {@value #READ_ONLY}
   * (a dataset) or {@value #READ_WRITE} (also a workspace or prior cache). A claim without it is
   * never mounted through the operator: creating a job must not lend access to every claim.
   */
  public static final String TRAINER_ACCESS = "rela.io/trainer-access";
  public static final String READ_ONLY = "read-only";
  public static final String READ_WRITE = "read-write";
  public static final String KUEUE_QUEUE = "kueue.x-k8s.io/queue-name";
  private static final String[] PASS_THROUGH_PREFIXES = {"kueue.x-k8s.io/"};

  private Labels() {}

  public static Map<String, String> of(ReLATrainingJob job) {
    Map<String, String> l = new LinkedHashMap<>();
    l.put(MANAGED_BY, MANAGER);
    l.put(JOB, job.getMetadata().getName());
    l.put("app.kubernetes.io/name", "rela-trainer");
    l.put("app.kubernetes.io/instance", job.getMetadata().getName());
    return l;
  }

  /** The job's labels that queueing systems (Kueue) read on Jobs. */
  public static Map<String, String> passThrough(ReLATrainingJob job) {
    Map<String, String> out = new LinkedHashMap<>();
    Map<String, String> labels = job.getMetadata().getLabels();
    if (labels != null) {
      labels.forEach((k, v) -> {
        for (String p : PASS_THROUGH_PREFIXES) {
          if (k.startsWith(p)) {
            out.put(k, v);
          }
        }
      });
    }
    return out;
  }

  public static boolean queuedByKueue(ReLATrainingJob job) {
    return job.getMetadata().getLabels() != null && job.getMetadata().getLabels().containsKey(KUEUE_QUEUE);
  }

  /** Name, namespace, labels and a controller owner reference to {@code job}. */
  public static ObjectMeta metadata(ReLATrainingJob job, String name, Map<String, String> extraLabels) {
    Map<String, String> labels = of(job);
    labels.putAll(extraLabels);
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(job.getMetadata().getNamespace())
        .withLabels(labels)
        .withOwnerReferences(new OwnerReferenceBuilder()
            .withApiVersion(job.getApiVersion())
            .withKind(job.getKind())
            .withName(job.getMetadata().getName())
            .withUid(job.getMetadata().getUid())
            .withController(true)
            .withBlockOwnerDeletion(true)
            .build())
        .build();
  }
}
