package io.rela.operator.resources;

import io.fabric8.kubernetes.api.model.HasMetadata;
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
  /**
   * Set by a namespace's owners on a PersistentVolumeClaim that jobs may mount: {@value #READ_ONLY}
   * (a dataset) or {@value #READ_WRITE} (also a workspace or prior cache). A claim without it is
   * never mounted through the operator: creating a job must not lend access to every claim.
   */
  public static final String TRAINER_ACCESS = "rela.io/trainer-access";
  public static final String READ_ONLY = "read-only";
  public static final String READ_WRITE = "read-write";
  /** On a Secret: its key `token` may be mounted into the pods of the jobs that name it. */
  public static final String CREDENTIALS = "credentials";
  /** Kueue's labels on a Job it queues: its LocalQueue and its WorkloadPriorityClass (spec.queue). */
  public static final String KUEUE_QUEUE = "kueue.x-k8s.io/queue-name";
  public static final String KUEUE_PRIORITY = "kueue.x-k8s.io/priority-class";

  private Labels() {}

  public static Map<String, String> of(ReLATrainingJob job) {
    Map<String, String> l = new LinkedHashMap<>();
    l.put(MANAGED_BY, MANAGER);
    l.put(JOB, job.getMetadata().getName());
    l.put("app.kubernetes.io/name", "rela-trainer");
    l.put("app.kubernetes.io/instance", job.getMetadata().getName());
    return l;
  }

  /** Kueue's labels for the stage Jobs of {@code job}: none unless spec.queue is set. */
  public static Map<String, String> kueue(ReLATrainingJob job) {
    Map<String, String> out = new LinkedHashMap<>();
    var q = job.getSpec().queue;
    if (q != null && q.name != null) {
      out.put(KUEUE_QUEUE, q.name);
      if (q.priorityClass != null) {
        out.put(KUEUE_PRIORITY, q.priorityClass);
      }
    }
    return out;
  }

  /** Whether Kueue starts the stage Jobs (spec.queue): the operator creates them suspended and leaves them to it. */
  public static boolean queuedByKueue(ReLATrainingJob job) {
    return job.getSpec() != null && job.getSpec().queue != null && job.getSpec().queue.name != null;
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

  /** Whether {@code o}'s controller owner reference is {@code job} (by UID, not only by name), as {@link #metadata} sets it. */
  public static boolean controlledBy(HasMetadata o, ReLATrainingJob job) {
    return o.getMetadata().getOwnerReferences() != null && o.getMetadata().getOwnerReferences().stream()
        .anyMatch(r -> Boolean.TRUE.equals(r.getController()) && job.getMetadata().getUid() != null
            && job.getMetadata().getUid().equals(r.getUid()));
  }
}
