package io.rela.operator.status;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.rela.operator.resources.StageJob;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * What one stage's batch/v1 Job is doing, read from its status and its pods, with a reason
 * constant and a message for failures.
 */
public record StageState(Phase phase, String reason, String message) {

  /** Lifecycle of a stage Job. */
  public enum Phase { ABSENT, SUSPENDED, ACTIVE, SUCCEEDED, FAILED }

  private static final Set<String> PULL_ERRORS = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName");
  private static final Set<String> CONFIG_ERRORS = Set.of("CreateContainerConfigError", "CreateContainerError");

  public static StageState of(Job job, Collection<Pod> pods) {
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
            : Integer.valueOf(StageJob.EXIT_BAD_INPUT).equals(exit) ? Conditions.Reason.INVALID_INPUT
            : Integer.valueOf(StageJob.EXIT_NON_FINITE_LOSS).equals(exit) ? Conditions.Reason.NON_FINITE_LOSS
            : Conditions.Reason.STAGE_FAILED;
        return new StageState(Phase.FAILED, reason, "Job " + name + " failed (" + c.getReason() + ": " + c.getMessage() + ")"
            + podDetail + "." + where);
      }
    }
    for (Pod p : pods) {
      for (ContainerStatus cs : containerStatuses(p)) {
        ContainerStateWaiting w = cs.getState() == null ? null : cs.getState().getWaiting();
        if (w != null && PULL_ERRORS.contains(w.getReason())) {
          return new StageState(Phase.FAILED, Conditions.Reason.IMAGE_PULL, "Pod " + p.getMetadata().getName()
              + " cannot pull image " + cs.getImage() + " (" + w.getReason() + (w.getMessage() == null ? "" : ": " + w.getMessage())
              + "). Check spec.image, the registry and imagePullSecrets." + where);
        }
        if (w != null && CONFIG_ERRORS.contains(w.getReason())) {
          return new StageState(Phase.FAILED, Conditions.Reason.STAGE_FAILED, "Pod " + p.getMetadata().getName()
              + " cannot start its container (" + w.getReason() + ": " + w.getMessage() + ")." + where);
        }
      }
    }
    if (Boolean.TRUE.equals(job.getSpec().getSuspend())) {
      return new StageState(Phase.SUSPENDED, null, null);
    }
    return new StageState(Phase.ACTIVE, null, null);
  }

  private static List<ContainerStatus> containerStatuses(Pod p) {
    return p.getStatus() == null || p.getStatus().getContainerStatuses() == null ? List.of() : p.getStatus().getContainerStatuses();
  }

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
