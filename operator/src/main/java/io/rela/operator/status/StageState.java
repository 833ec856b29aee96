package io.rela.operator.status;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.rela.api.contract.ExitCodes;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What one stage's batch/v1 Job is doing, read from its status and its pods, with a reason
 * constant and a message for failures and for pods that cannot start.
 *
 * @param recheckIn when the same observation turns into another decision by time alone (a
 *     pull failure reaching its grace period); null when only a change can
 */
public record StageState(Phase phase, String reason, String message, Duration recheckIn) {

  /**
   * Lifecycle of a stage Job. STALLED: active, but a pod cannot run (its image, its container's
   * config, or no node for it) while Kubernetes keeps trying.
   */
  public enum Phase { ABSENT, SUSPENDED, ACTIVE, STALLED, SUCCEEDED, FAILED }

  private static final Set<String> PULL_ERRORS = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull");
  private static final Set<String> CONFIG_ERRORS = Set.of("CreateContainerConfigError", "CreateContainerError");
  /** The spec's default for imagePullGracePeriodSeconds. */
  public static final Duration DEFAULT_START_GRACE = Duration.ofMinutes(5);

  public StageState(Phase phase, String reason, String message) {
    this(phase, reason, message, null);
  }

  /**
   * @param now the time the observation is judged at
   * @param startGrace how long a pod may fail to pull its image or create its container before
   *     the stage fails
   * @param createFailure the Job controller's latest FailedCreate message for this Job (a quota,
   *     Pod Security), or null: a running Job without pods is stalled with it while Kubernetes retries
   */
  public static StageState of(Job job, Collection<Pod> pods, Instant now, Duration startGrace, String createFailure) {
    StageState s = of(job, pods, now, startGrace);
    if (s.is(Phase.ACTIVE) && createFailure != null && pods.isEmpty()) {
      String name = job.getMetadata().getName();
      return new StageState(Phase.STALLED, Conditions.Reason.FAILED_CREATE, "Job " + name + " cannot create its pods: "
          + createFailure + ". Kubernetes retries; it goes on once the namespace's ResourceQuota or Pod Security level lets"
          + " the pods in (`kubectl describe job -n " + job.getMetadata().getNamespace() + " " + name + "`).");
    }
    return s;
  }

  /** As {@link #of(Job, Collection, Instant, Duration, String)} without a create failure. */
  public static StageState of(Job job, Collection<Pod> pods, Instant now, Duration startGrace) {
    if (job == null) {
      return new StageState(Phase.ABSENT, null, null);
    }
    String name = job.getMetadata().getName();
    String ns = job.getMetadata().getNamespace();
    String where = " See `kubectl logs -n " + ns + " job/" + name + "` and `kubectl describe job -n " + ns + " " + name + "`.";
    List<JobCondition> conds = job.getStatus() == null || job.getStatus().getConditions() == null
        ? List.of() : job.getStatus().getConditions();
    for (JobCondition c : conds) {
      if ("True".equals(c.getStatus()) && "Complete".equals(c.getType())) {
        return new StageState(Phase.SUCCEEDED, null, null);
      }
    }
    for (JobCondition c : conds) {
      if ("True".equals(c.getStatus()) && "Failed".equals(c.getType())) {
        String podDetail = lastTermination(pods);
        Integer exit = lastExitCode(pods);
        String reason = "DeadlineExceeded".equals(c.getReason()) ? Conditions.Reason.DEADLINE
            : podDetail.contains("OOMKilled") ? Conditions.Reason.OOM_KILLED
            : Integer.valueOf(ExitCodes.BAD_INPUT).equals(exit) ? Conditions.Reason.INVALID_INPUT
            : Integer.valueOf(ExitCodes.NON_FINITE_LOSS).equals(exit) ? Conditions.Reason.NON_FINITE_LOSS
            : Integer.valueOf(ExitCodes.GPU_UNAVAILABLE).equals(exit) ? Conditions.Reason.GPU_UNAVAILABLE
            : Integer.valueOf(ExitCodes.MODEL_PUSH_FAILED).equals(exit) ? Conditions.Reason.MODEL_PUSH_FAILED
            : Conditions.Reason.STAGE_FAILED;
        String advice = Conditions.Reason.GPU_UNAVAILABLE.equals(reason) ? GPU_ADVICE : "";
        return new StageState(Phase.FAILED, reason, "Job " + name + " failed (" + c.getReason() + ": " + c.getMessage() + ")"
            + podDetail + "." + advice + where);
      }
    }
    // the kernel killed a container at its memory limit: a retry under the same limit meets the
    // same end, so the stage fails now instead of looping through backoffLimit
    for (Pod p : pods) {
      for (ContainerStatus cs : containerStatuses(p)) {
        ContainerStateTerminated t = cs.getState() == null ? null : cs.getState().getTerminated();
        if (t != null && "OOMKilled".equals(t.getReason())) {
          String pod = p.getMetadata().getName();
          return new StageState(Phase.FAILED, Conditions.Reason.OOM_KILLED, "Pod " + pod + " was OOM-killed by the kernel at its"
              + " memory limit (" + memoryLimit(p) + "); the same limit would fail again, so the stage is not retried."
              + " Raise spec.resources.memory, then retry: " + RETRY_COMMAND
              + " (the stage runs again, with the new limit, from its last checkpoint). Its last log lines: `kubectl logs -n " + ns + " " + pod + "`.");
        }
      }
    }
    if (Boolean.TRUE.equals(job.getSpec().getSuspend())) {
      return new StageState(Phase.SUSPENDED, null, null);
    }
    for (Pod p : pods) {
      String pod = p.getMetadata().getName();
      for (ContainerStatus cs : containerStatuses(p)) {
        ContainerStateWaiting w = cs.getState() == null ? null : cs.getState().getWaiting();
        boolean pull = w != null && PULL_ERRORS.contains(w.getReason());
        boolean config = w != null && CONFIG_ERRORS.contains(w.getReason());
        if (!pull && !config) {
          continue;
        }
        String reason = pull ? Conditions.Reason.IMAGE_PULL : Conditions.Reason.CONTAINER_CONFIG;
        String what = (pull ? "Pod " + pod + " cannot pull image " + cs.getImage() : "Pod " + pod + " cannot create its container")
            + " (" + w.getReason() + (w.getMessage() == null ? "" : ": " + w.getMessage()) + ")."
            + (pull ? " Check spec.image, the registry and imagePullSecrets; " + EDIT_APPLIES_AT_ONCE
                : " Check the volumes, ConfigMaps and Secrets it names.");
        Instant since = since(p, now);
        Duration left = startGrace.minus(Duration.between(since, now));
        if (left.isNegative() || left.isZero()) {
          return new StageState(Phase.FAILED, reason, what + " Gave up after spec.imagePullGracePeriodSeconds ("
              + startGrace.toSeconds() + " s); the stage Job is suspended so its pods free their GPUs." + where);
        }
        return new StageState(Phase.STALLED, reason, what + " Kubernetes retries; the job fails at " + since.plus(startGrace)
            + " (spec.imagePullGracePeriodSeconds) unless the container starts.", left);
      }
    }
    for (Pod p : pods) {
      PodCondition scheduled = p.getStatus() == null || p.getStatus().getConditions() == null ? null
          : p.getStatus().getConditions().stream().filter(c -> "PodScheduled".equals(c.getType())).findFirst().orElse(null);
      if (scheduled != null && "False".equals(scheduled.getStatus()) && "Unschedulable".equals(scheduled.getReason())) {
        return new StageState(Phase.STALLED, Conditions.Reason.UNSCHEDULABLE, "Pod " + p.getMetadata().getName()
            + " cannot be scheduled (" + scheduled.getMessage().strip() + "). It starts once a node fits it: check"
            + " spec.resources, spec.nodeSelector, spec.tolerations and the claims it mounts; " + EDIT_APPLIES_AT_ONCE);
      }
    }
    return new StageState(Phase.ACTIVE, null, null);
  }

  /** When a pod began trying to start: its start time, else its creation. */
  private static Instant since(Pod p, Instant now) {
    String t = p.getStatus() != null && p.getStatus().getStartTime() != null ? p.getStatus().getStartTime()
        : p.getMetadata().getCreationTimestamp();
    try {
      return t == null ? now : Instant.parse(t);
    } catch (java.time.format.DateTimeParseException e) {
      return now;
    }
  }

  private static String memoryLimit(Pod p) {
    if (p.getSpec() == null) {
      return "limit unknown";
    }
    return p.getSpec().getContainers().stream()
        .map(c -> c.getResources() == null || c.getResources().getLimits() == null ? null : c.getResources().getLimits().get("memory"))
        .filter(java.util.Objects::nonNull).findFirst().map(q -> "spec.resources.memory = " + q)
        .orElse("no memory limit: the node ran out");
  }

  private static List<ContainerStatus> containerStatuses(Pod p) {
    return p.getStatus() == null || p.getStatus().getContainerStatuses() == null ? List.of() : p.getStatus().getContainerStatuses();
  }

  /** How a person retries a Failed job after fixing its spec. */
  static final String RETRY_COMMAND = "`kubectl annotate relajob <name> rela.io/retry=$(date +%s) --overwrite`";

  /** What a person can do when the trainer could not use the GPUs its pod was given. */
  static final String GPU_ADVICE = " The pod was given GPUs (spec.resources.gpus) and the trainer does not fall back to the"
      + " CPU: check that the node runs the NVIDIA driver, container runtime and device plugin, and that spec.image (if"
      + " set) is a -cuda trainer image; or set spec.resources.gpus to 0 to train on the CPU. Then retry with "
      + RETRY_COMMAND + ".";

  /** Said where a stage waits on something an edit can fix: its pods never ran, so the planner re-creates its Job. */
  static final String EDIT_APPLIES_AT_ONCE = "an edit of the spec applies at once (the stage's pods have not started, so its"
      + " Job is re-created).";

  /** ", last pod X: exit code N (Reason): message" for the most recent terminated trainer container. */
  static String lastTermination(Collection<Pod> pods) {
    Terminated last = last(pods);
    if (last == null) {
      return "";
    }
    ContainerStateTerminated t = last.state();
    return "; last pod " + last.pod() + ": exit code " + t.getExitCode()
        + (t.getReason() == null ? "" : " (" + t.getReason() + ")")
        + (t.getMessage() == null || t.getMessage().isBlank() ? "" : ": " + t.getMessage().strip());
  }

  /** The exit code of the most recent terminated trainer container, or null. */
  static Integer lastExitCode(Collection<Pod> pods) {
    Terminated last = last(pods);
    return last == null ? null : last.state().getExitCode();
  }

  /** A pod's terminated container. */
  private record Terminated(String pod, ContainerStateTerminated state) {}

  /** The most recently finished container, or null. */
  private static Terminated last(Collection<Pod> pods) {
    Terminated best = null;
    String bestTime = "";
    for (Pod p : pods) {
      for (ContainerStatus cs : containerStatuses(p)) {
        ContainerStateTerminated t = cs.getState() == null ? null : cs.getState().getTerminated();
        if (t != null && (t.getFinishedAt() == null ? "" : t.getFinishedAt()).compareTo(bestTime) >= 0) {
          bestTime = t.getFinishedAt() == null ? "" : t.getFinishedAt();
          best = new Terminated(p.getMetadata().getName(), t);
        }
      }
    }
    return best;
  }

  public boolean is(Phase p) {
    return phase == p;
  }
}
