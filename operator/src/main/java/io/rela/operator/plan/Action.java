package io.rela.operator.plan;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.rela.api.contract.TrainerConfig;
import io.rela.operator.resources.StageJob;

/** One change the reconciler makes to the cluster for a plan; the planner only names them. */
public sealed interface Action {

  /** ServiceAccount, Role, RoleBinding, claim, progress and config ConfigMaps; the config is not rewritten when frozen. */
  record EnsureSupporting(TrainerConfig config, boolean configFrozen, String specHash) implements Action {}

  record CreateStageJob(StageJob.Kind kind, Job job) implements Action {}

  record SetSuspend(StageJob.Kind kind, boolean suspend) implements Action {}

  /** Lowers a stage Job's backoffLimit so it fails on the pods it already has. */
  record LimitRetries(StageJob.Kind kind, int backoffLimit) implements Action {}

  /** Deletes a stage Job (a retry replaces it); its uid is ignored from then on. */
  record DeleteStageJob(String name, String uid) implements Action {}

  /** Adds a key to the namespace's prior cache index. */
  record RecordCacheEntry(String key, String entry) implements Action {}
}
