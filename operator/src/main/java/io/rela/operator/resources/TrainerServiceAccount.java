package io.rela.operator.resources;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.rela.api.ReLATrainingJob;
import java.util.Map;

/** The identity trainer pods run as; it may write only its job's progress ConfigMap. */
public final class TrainerServiceAccount {

  private TrainerServiceAccount() {}

  public static String name(ReLATrainingJob job) {
    return job.getMetadata().getName() + "-trainer";
  }

  public static ServiceAccount desired(ReLATrainingJob job) {
    return new ServiceAccountBuilder()
        .withMetadata(Labels.metadata(job, name(job), Map.of()))
        .withAutomountServiceAccountToken(true)
        .build();
  }
}
