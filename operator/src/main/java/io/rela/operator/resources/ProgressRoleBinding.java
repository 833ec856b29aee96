package io.rela.operator.resources;

import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.rela.api.ReLATrainingJob;
import java.util.Map;

/** Binds {@link ProgressRole} to {@link TrainerServiceAccount}. */
public final class ProgressRoleBinding {

  private ProgressRoleBinding() {}

  public static String name(ReLATrainingJob job) {
    return job.getMetadata().getName() + "-trainer";
  }

  public static RoleBinding desired(ReLATrainingJob job) {
    return new RoleBindingBuilder()
        .withMetadata(Labels.metadata(job, name(job), Map.of()))
        .withNewRoleRef("rbac.authorization.k8s.io", "Role", ProgressRole.name(job))
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(TrainerServiceAccount.name(job))
        .withNamespace(job.getMetadata().getNamespace())
        .endSubject()
        .build();
  }
}
