package io.rela.operator.plan;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.rela.api.ReLATrainingJob;
import io.rela.api.contract.ProgressReport;
import io.rela.operator.resources.StageJob;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the planner decides from, as the informer caches showed it: the job, the stage
 * Jobs and their pods that it controls, its trainer config and progress, the source job of a
 * Job prior, the prior cache index, and the time of the observation.
 *
 * @param conflict an object with one of the job's derived names that it does not control, or null
 * @param createFailures the latest FailedCreate event message of each stage Job (quota, Pod Security)
 * @param claimAccess the {@code rela.io/trainer-access} label of each claim the job names that carries one
 * @param secretAccess the {@code rela.io/trainer-access} label of each Secret the job names that exists and carries one
 */
public record Observed(ReLATrainingJob job, Map<StageJob.Kind, Job> jobs, Map<StageJob.Kind, List<Pod>> pods,
    ConfigMap config, ProgressReport progress, String conflict, ReLATrainingJob priorSource, ConfigMap cacheIndex,
    Map<StageJob.Kind, String> createFailures, Map<String, String> claimAccess, Map<String, String> secretAccess, Instant now) {

  public List<Pod> pods(StageJob.Kind kind) {
    return pods.getOrDefault(kind, List.of());
  }
}
