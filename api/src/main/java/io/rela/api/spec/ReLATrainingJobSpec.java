package io.rela.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** What to train, on what data, with which prior, and where the pods run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReLATrainingJobSpec {

  /** The training data. */
  @Required
  @JsonPropertyDescription("The training data: format, location inside the pod, and the volume that holds it.")
  public DatasetSpec dataset;

  /** The prior model that makes the representation targets. */
  @Default("{}")
  @JsonPropertyDescription("The prior model whose embeddings become the ReLA targets.")
  public PriorSpec prior;

  /** The student network. */
  @Default("{}")
  @JsonPropertyDescription("The student network: backbone and BYOL heads.")
  public ModelSpec model;

  /** Optimisation settings shared by both phases. */
  @Default("{}")
  @JsonPropertyDescription("Optimisation settings shared by the ReLA and BYOL phases.")
  public TrainingSpec training;

  /** The ReLA acceleration: data ratio and switch rule. */
  @Default("{}")
  @JsonPropertyDescription("The ReLA acceleration: the per-epoch data ratio and the rule that switches from ReLA to BYOL.")
  public ReLASpec rela;

  /** Linear-probe evaluation. */
  @Default("{}")
  @JsonPropertyDescription("Linear-probe evaluation of the trained backbone.")
  public EvaluationSpec evaluation;

  /** Compute requested by every trainer pod. */
  @Default("{}")
  @JsonPropertyDescription("Compute requested by each trainer pod (GPUs, CPU, memory).")
  public ResourcesSpec resources;

  /** Trainer image. */
  @JsonPropertyDescription("Trainer container image. Defaults to the image the operator was configured with.")
  public String image;

  /** Node selector for trainer pods. */
  @JsonPropertyDescription("Node labels a trainer pod's node must carry (for example a GPU model label).")
  public Map<String, String> nodeSelector;

  /** Tolerations for trainer pods. */
  @JsonPropertyDescription("Tolerations of the trainer pods, for example for tainted GPU nodes.")
  public List<Toleration> tolerations;

  /** Affinity for trainer pods. */
  @JsonPropertyDescription("Affinity rules of the trainer pods.")
  public Affinity affinity;

  /** Priority class of trainer pods. */
  @JsonPropertyDescription("PriorityClass of the trainer pods.")
  public String priorityClassName;

  /** The model as an OCI image. */
  @JsonPropertyDescription("Push the trained backbone's export as an OCI image (KServe modelcar layout). Unset: the export"
      + " stays on the workspace claim only.")
  public ExportSpec export;

  /** Experiment tracking. */
  @JsonPropertyDescription("Report the run to an experiment tracker (MLflow). Unset: no tracking.")
  public TrackingSpec tracking;

  /** Kueue queue and priority of the stage Jobs. */
  @JsonPropertyDescription("Queue the stage Jobs in Kueue: a LocalQueue and an optional WorkloadPriorityClass. Unset: the"
      + " Jobs start at once.")
  public QueueSpec queue;

  /** Workspace for checkpoints, embeddings and reports. */
  @Default("{}")
  @JsonPropertyDescription("Workspace volume for checkpoints, targets and reports: a new claim of the given size, or an existing claim.")
  public WorkspaceSpec workspace;

  /** Suspends the run. */
  @Default("false")
  @JsonPropertyDescription("Suspend the run: running pods stop, and training resumes from the last checkpoint when set back to false.")
  public Boolean suspend;

  /** Pod retries per stage. */
  @Default("3")
  @Min(0)
  @JsonPropertyDescription("Pod failures tolerated per stage before the job is marked Failed.")
  public Integer backoffLimit;

  /** Deadline per stage. */
  @Min(1)
  @JsonPropertyDescription("Seconds a stage's Job may run before Kubernetes stops it.")
  public Long activeDeadlineSeconds;

  /** How long a pod may fail to start its container before the job gives up. */
  @Default("300")
  @Min(0)
  @JsonPropertyDescription("Seconds a stage's pod may keep failing to pull its image or to create its container"
      + " (ImagePullBackOff, CreateContainerConfigError) while Kubernetes retries; then the job is Failed and the stage"
      + " Job is suspended, so its pods (and GPUs) are freed.")
  public Integer imagePullGracePeriodSeconds;

  /**
   * Set only when the stored spec could not be read into these types (see
   * {@code TolerantReader}): why, naming the field. Never serialised.
   */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public transient String unreadable;

  /** TTL of finished stage Jobs. */
  @Min(0)
  @JsonPropertyDescription("Seconds after which finished stage Jobs (not this resource) are deleted.")
  public Integer ttlSecondsAfterFinished;
}
