package io.rela.operator.plan;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.rela.api.contract.ProgressReport;
import io.rela.operator.resources.StageJob;
import io.rela.operator.status.StageState;
import java.time.Duration;
import java.util.List;

/**
 * The three stages of one job as observed, and the one notion of "training has started" every
 * decision uses: a train or evaluation Job exists, or an epoch was reported (a train Job deleted
 * to free Kueue's quota leaves its progress behind). From then on the trainer config is frozen,
 * the prior's targets are built (a Job prior's source is no longer needed), and the embedding
 * stage and the cache index are behind the job, even once ttlSecondsAfterFinished has removed
 * the earlier Jobs.
 */
record JobStages(StageState embed, StageState train, StageState eval, boolean trainingStarted) {

  static JobStages of(Observed seen, Duration startGrace) {
    ProgressReport p = seen.progress();
    boolean started = seen.jobs().containsKey(StageJob.Kind.TRAIN) || seen.jobs().containsKey(StageJob.Kind.EVAL)
        || (p != null && p.epoch != null && p.epoch > 0);
    return new JobStages(state(seen, StageJob.Kind.EMBED, startGrace), state(seen, StageJob.Kind.TRAIN, startGrace),
        state(seen, StageJob.Kind.EVAL, startGrace), started);
  }

  private static StageState state(Observed seen, StageJob.Kind kind, Duration startGrace) {
    return StageState.of(seen.jobs().get(kind), seen.pods(kind), seen.now(), startGrace, seen.createFailures().get(kind));
  }

  /**
   * Whether a pod of the train Job has run (or an epoch was reported): from then on a spec edit
   * no longer re-creates it, and an edit of training fields is refused.
   */
  static boolean trainingRan(Observed seen) {
    Job train = seen.jobs().get(StageJob.Kind.TRAIN);
    return train != null && !neverRan(train, seen.pods(StageJob.Kind.TRAIN), StageJob.Kind.TRAIN, seen.progress());
  }

  /**
   * Whether no pod of stage Job {@code j} ever ran: none succeeded or failed, none is running or
   * ran a container, and (training) no epoch was reported. Such a Job is re-created on an edit.
   */
  static boolean neverRan(Job j, List<Pod> pods, StageJob.Kind kind, ProgressReport progress) {
    var s = j.getStatus();
    if (s != null && ((s.getSucceeded() != null && s.getSucceeded() > 0) || (s.getFailed() != null && s.getFailed() > 0))) {
      return false;
    }
    for (Pod p : pods) {
      String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
      if ("Running".equals(phase) || "Succeeded".equals(phase) || "Failed".equals(phase)) {
        return false;
      }
      if (p.getStatus() != null && p.getStatus().getContainerStatuses() != null) {
        for (var cs : p.getStatus().getContainerStatuses()) {
          boolean ran = (cs.getState() != null && (cs.getState().getRunning() != null || cs.getState().getTerminated() != null))
              || (cs.getLastState() != null && cs.getLastState().getTerminated() != null);
          if (ran) {
            return false;
          }
        }
      }
    }
    return kind != StageJob.Kind.TRAIN || progress == null || progress.epoch == null || progress.epoch == 0;
  }
}
