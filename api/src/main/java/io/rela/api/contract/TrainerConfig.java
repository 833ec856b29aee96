package io.rela.api.contract;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.rela.api.spec.ReLATrainingJobSpec;

/**
 * The file the operator renders into the {@code <job>-config} ConfigMap (key
 * {@link #CONFIG_MAP_KEY}) and the trainer's {@code embed}, {@code train} and {@code eval}
 * commands read. The spec arrives with the API server's defaults already applied.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class TrainerConfig {

  public static final String CONFIG_MAP_KEY = "trainer-config.yaml";
  /** Environment variable with the pod's own trainer image (an MLflow parameter of the run). */
  public static final String IMAGE_ENV = "RELA_TRAINER_IMAGE";
  /** The MLflow token's key in its Secret and its file under {@link Mounts#MLFLOW_TOKEN}. */
  public static final String MLFLOW_TOKEN_KEY = "token";
  /** The registry credentials' key in their Secret and their file under {@link Mounts#REGISTRY_AUTH}. */
  public static final String REGISTRY_AUTH_KEY = ".dockerconfigjson";
  /** The model image's base in the trainer image: a shell and /models, as KServe's modelcars need. */
  public static final String MODELCAR_BASE = "/opt/rela/modelcar-base.tar";

  /** Namespace and name of the ReLATrainingJob. */
  public String namespace;
  public String jobName;
  /**
   * metadata.uid of the ReLATrainingJob: with a hash of the spec, the identity a workspace and
   * its checkpoints must carry to be resumed.
   */
  public String jobUid;
  /** The workspace's PersistentVolumeClaim, for messages. */
  public String workspaceClaim;
  /** The job's spec, defaults applied. */
  public ReLATrainingJobSpec spec;
  /** Workspace folder: checkpoints, targets, reports. */
  public String workspaceDir;
  /** Folder of the shared prior-embedding cache (the workspace when no cache claim is set). */
  public String priorCacheDir;
  /**
   * Ignored: the trainer computes the cache key from content ({@link PriorCacheKey}). Kept so
   * configs rendered by older operators still parse.
   */
  public String priorCacheKey;
  /** Checkpoint of the job named by spec.prior.jobRef, when the prior is a Job. */
  public String priorCheckpoint;
  /** UID of the job named by spec.prior.jobRef: part of the prior's identity in the cache key. */
  public String priorJobUid;
  /** ConfigMap the trainer writes its progress to; unset outside a cluster. */
  public String progressConfigMap;
  /** Port of the trainer's Prometheus endpoint; 0 disables it. */
  public Integer metricsPort;
}
