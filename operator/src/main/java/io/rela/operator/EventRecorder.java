package io.rela.operator;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.rela.api.ReLATrainingJob;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kubernetes Events on a ReLATrainingJob, shown by `kubectl describe relajob`. */
public final class EventRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private final KubernetesClient client;

  public EventRecorder(KubernetesClient client) {
    this.client = client;
  }

  public void normal(ReLATrainingJob job, String reason, String message) {
    emit(job, "Normal", reason, message);
  }

  public void warning(ReLATrainingJob job, String reason, String message) {
    emit(job, "Warning", reason, message);
  }

  public void emit(ReLATrainingJob job, boolean warning, String reason, String message) {
    emit(job, warning ? "Warning" : "Normal", reason, message);
  }

  private void emit(ReLATrainingJob job, String type, String reason, String message) {
    String now = Instant.now().toString();
    try {
      client.v1().events().inNamespace(job.getMetadata().getNamespace()).resource(new EventBuilder()
          .withNewMetadata()
          .withName(job.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 8))
          .withNamespace(job.getMetadata().getNamespace())
          .endMetadata()
          .withInvolvedObject(new ObjectReferenceBuilder()
              .withApiVersion(job.getApiVersion()).withKind(job.getKind())
              .withName(job.getMetadata().getName()).withNamespace(job.getMetadata().getNamespace())
              .withUid(job.getMetadata().getUid()).build())
          .withType(type).withReason(reason).withMessage(io.rela.operator.status.Conditions.cap(message, 1024))
          .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
          .withNewSource("rela-operator", null)
          .build()).create();
    } catch (RuntimeException e) {
      // an event is a courtesy: never fail a reconciliation over one
      LOG.debug("cannot record event {} on {}: {}", reason, job.getMetadata().getName(), e.getMessage());
    }
  }
}
