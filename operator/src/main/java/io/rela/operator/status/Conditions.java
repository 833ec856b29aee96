package io.rela.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.List;
import java.util.Objects;

/** Condition types and reasons; code compares reasons, never messages. */
public final class Conditions {

  public static final String READY = "Ready";
  public static final String PROGRESSING = "Progressing";
  public static final String FAILED = "Failed";
  public static final String SUSPENDED = "Suspended";
  /** kstatus's "still working on it" (InProgress): True while stages run or wait to run. */
  public static final String RECONCILING = "Reconciling";
  /** kstatus's "cannot go on without a person" (Failed): True exactly when the run failed. */
  public static final String STALLED = "Stalled";
  /** Present (True) only while the last reconciliation threw; the next good one removes it. */
  public static final String RECONCILE_ERROR = "ReconcileError";
  /** Whether the experiment tracker (spec.tracking) takes the run's reports; absent without one. */
  public static final String TRACKING = "Tracking";

  /** Reasons a person can act on. */
  public static final class Reason {
    public static final String PENDING = "Pending";
    public static final String PRIOR_JOB_NOT_READY = "PriorJobNotReady";
    /** spec.prior.jobRef names a job that does not exist (never created, or deleted). */
    public static final String PRIOR_JOB_NOT_FOUND = "PriorJobNotFound";
    public static final String EMBEDDING = "EmbeddingPrior";
    public static final String PRIOR_CACHE_HIT = "PriorCacheHit";
    public static final String TRAINING = "Training";
    public static final String EVALUATING = "Evaluating";
    public static final String SUCCEEDED = "Succeeded";
    public static final String QUEUED = "QueuedByKueue";
    public static final String SUSPENDED_BY_USER = "SuspendedByUser";
    public static final String NOT_SUSPENDED = "NotSuspended";
    public static final String STAGE_FAILED = "StageJobFailed";
    public static final String IMAGE_PULL = "ImagePullFailed";
    public static final String OOM_KILLED = "OOMKilled";
    /** A pod cannot create its container (a missing ConfigMap, Secret or volume). */
    public static final String CONTAINER_CONFIG = "ContainerConfigError";
    /** A pod fits no node (GPUs, memory, selectors): the scheduler's message says why. */
    public static final String UNSCHEDULABLE = "Unschedulable";
    /** An object with one of the job's derived names belongs to something else. */
    public static final String NAME_CONFLICT = "NameConflict";
    /** The Job controller cannot create the stage's pods (a ResourceQuota, the Pod Security level). */
    public static final String FAILED_CREATE = "FailedCreate";
    /** A Failed job retried by its rela.io/retry annotation. */
    public static final String RETRYING = "Retrying";
    /** The trainer refused its input (exit 2): a file or field it names. */
    public static final String INVALID_INPUT = "InvalidInput";
    /** Training diverged (exit 3): NaN or infinite loss. */
    public static final String NON_FINITE_LOSS = "NonFiniteLoss";
    /** The trainer was given GPUs it cannot use (exit 4); it never trains on the CPU instead. */
    public static final String GPU_UNAVAILABLE = "GPUUnavailable";
    /** The model image could not be pushed (exit 5): the export stays on the workspace claim. */
    public static final String MODEL_PUSH_FAILED = "ModelPushFailed";
    public static final String DEADLINE = "DeadlineExceeded";
    public static final String SPEC_CHANGE_REFUSED = "SpecChangeRefused";
    /** An edit reached a stage whose pods had not started: its Job is re-created from the new spec. */
    public static final String SPEC_APPLIED = "SpecApplied";
    /** The stored spec cannot be read by this operator (a value outside the CRD's bounds). */
    public static final String INVALID_SPEC = "InvalidSpec";
    /** The trainer writes to its MLflow run. */
    public static final String TRACKED = "Tracked";
    /** The tracker cannot be written to (unreachable, refused): retried, training goes on. */
    public static final String TRACKING_UNAVAILABLE = "TrackingUnavailable";
    /** A claim the job names does not allow trainer pods to mount it (label rela.io/trainer-access). */
    public static final String CLAIM_NOT_ALLOWED = "ClaimNotAllowed";
    /** A Secret the job names is not opened to jobs by its owners (or does not exist). */
    public static final String SECRET_NOT_ALLOWED = "SecretNotAllowed";
    public static final String NO_FAILURE = "NoFailure";
    public static final String NOT_FINISHED = "NotFinished";

    private Reason() {}
  }

  private Conditions() {}

  /**
   * Sets a condition in {@code conditions}, keeping its lastTransitionTime when its status does
   * not change.
   */
  public static void set(List<Condition> conditions, List<Condition> previous, String type, boolean status, String reason,
      String message, long generation, String now) {
    String s = status ? "True" : "False";
    String since = previous.stream().filter(c -> type.equals(c.getType()) && s.equals(c.getStatus()))
        .map(Condition::getLastTransitionTime).filter(Objects::nonNull).findFirst().orElse(now);
    conditions.removeIf(c -> type.equals(c.getType()));
    conditions.add(new ConditionBuilder().withType(type).withStatus(s).withReason(reason).withMessage(cap(message))
        .withObservedGeneration(generation).withLastTransitionTime(since).build());
  }

  /** Longest message a condition carries: messages quote pods, logs and files a tenant controls. */
  public static final int MAX_MESSAGE = 2048;

  /** {@code s} cut to {@code max} characters, marked where it was cut. */
  public static String cap(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max - 15) + " ... (truncated)";
  }

  static String cap(String message) {
    return cap(message, MAX_MESSAGE);
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return conditions != null && conditions.stream().anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
