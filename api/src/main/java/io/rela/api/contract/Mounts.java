package io.rela.api.contract;

import java.nio.file.Path;

/**
 * Where a stage pod finds what the operator mounts: the paths the operator puts in the pod spec
 * and in the rendered config, and the trainer reads. One definition for both sides.
 */
public final class Mounts {

  /** The rendered config ConfigMap (file {@link TrainerConfig#CONFIG_MAP_KEY}). */
  public static final String CONFIG = "/etc/rela";
  /** The job's workspace claim: checkpoints, targets, reports, the export. */
  public static final String WORKSPACE = "/workspace";
  /** spec.prior.cacheClaimName, the namespace's shared prior-embedding cache. */
  public static final String PRIOR_CACHE = "/prior-cache";
  /** The workspace of the job a Job prior names (read-only). */
  public static final String PRIOR_JOB = "/prior-job";
  /** spec.dataset.volume (read-only). */
  public static final String DATA = "/data";
  /** The MLflow token Secret (spec.tracking.mlflow.tokenSecretName), training and evaluation pods. */
  public static final String MLFLOW_TOKEN = "/var/run/secrets/rela/mlflow";
  /** The registry credentials Secret (spec.export.pushSecretName), the evaluation pod only. */
  public static final String REGISTRY_AUTH = "/var/run/secrets/rela/registry";
  /** The prior-embedding cache's folder inside a workspace when the job names no cache claim. */
  public static final String PRIOR_CACHE_IN_WORKSPACE = "prior-cache";

  private Mounts() {}

  /** The cache folder a job without a cache claim uses: inside its workspace. */
  public static Path priorCacheIn(Path workspace) {
    return workspace.resolve(PRIOR_CACHE_IN_WORKSPACE);
  }
}
