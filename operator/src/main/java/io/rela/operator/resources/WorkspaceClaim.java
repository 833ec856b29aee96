package io.rela.operator.resources;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.rela.api.ReLATrainingJob;
import java.util.Map;

/** The workspace claim (checkpoints, targets, reports) unless the job names an existing one. */
public final class WorkspaceClaim {

  private WorkspaceClaim() {}

  public static String name(ReLATrainingJob job) {
    var ws = job.getSpec().workspace;
    return ws != null && ws.claimName != null ? ws.claimName : job.getMetadata().getName() + "-workspace";
  }

  public static boolean owned(ReLATrainingJob job) {
    return job.getSpec().workspace == null || job.getSpec().workspace.claimName == null;
  }

  /** Kept across the job's deletion: no owner reference, so the garbage collector leaves it. */
  public static boolean retained(ReLATrainingJob job) {
    return owned(job) && job.getSpec().workspace != null && Boolean.TRUE.equals(job.getSpec().workspace.retain);
  }

  public static PersistentVolumeClaim desired(ReLATrainingJob job) {
    var ws = job.getSpec().workspace;
    String size = ws != null && ws.size != null ? ws.size : "10Gi";
    var meta = Labels.metadata(job, name(job), Map.of());
    if (retained(job)) {
      meta.setOwnerReferences(null);
    }
    return new PersistentVolumeClaimBuilder()
        .withMetadata(meta)
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withStorageClassName(ws != null ? ws.storageClassName : null)
        .withNewResources().addToRequests("storage", new Quantity(size)).endResources()
        .endSpec()
        .build();
  }
}
