package io.rela.operator.resources;

import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.rela.api.ReLATrainingJob;
import java.util.Map;

/** Lets the trainer get, update and patch its own progress ConfigMap, by name, and nothing else. */
public final class ProgressRole {

  private ProgressRole() {}

  public static String name(ReLATrainingJob job) {
    return job.getMetadata().getName() + "-trainer";
  }

  public static Role desired(ReLATrainingJob job) {
    return new RoleBuilder()
        .withMetadata(Labels.metadata(job, name(job), Map.of()))
        .withRules(new PolicyRuleBuilder()
            .withApiGroups("")
            .withResources("configmaps")
            .withResourceNames(ProgressConfigMap.name(job))
            .withVerbs("get", "update", "patch")
            .build())
        .build();
  }
}
