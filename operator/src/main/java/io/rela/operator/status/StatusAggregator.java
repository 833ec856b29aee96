package io.rela.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.rela.api.contract.ProgressReport;
import io.rela.api.status.ProgressStatus;
import io.rela.api.status.ReLATrainingJobStatus;
import io.rela.api.status.ResultsStatus;
import io.rela.api.status.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The one place a ReLATrainingJob's status is computed: from the previous status and an observation. */
public final class StatusAggregator {

  private StatusAggregator() {}

  public static ReLATrainingJobStatus aggregate(ReLATrainingJobStatus previous, Observation o, String now) {
    ReLATrainingJobStatus prev = previous == null ? new ReLATrainingJobStatus() : previous;
    ReLATrainingJobStatus s = new ReLATrainingJobStatus();
    s.observedGeneration = o.generation();
    s.stage = o.stage();
    s.prior = o.prior() != null ? o.prior() : prev.prior;
    s.progress = progress(o.progress(), prev.progress);
    s.results = o.stage() == Stage.Succeeded ? results(o.progress(), prev.results) : prev.results;
    boolean started = o.stage() != Stage.Pending;
    s.startTime = prev.startTime != null ? prev.startTime : (started ? now : null);
    s.retriedFor = o.retriedFor() != null ? o.retriedFor() : prev.retriedFor;
    s.completionTime = o.stage().isFinal() ? (prev.completionTime != null ? prev.completionTime : now) : null;
    s.conditions = conditions(prev.conditions == null ? List.of() : prev.conditions, o, s, now);
    return s;
  }

  /** The Event a change of stage sends, once the status that says it is written. */
  public record StageChange(boolean warning, String reason, String message) {}

  /**
   * The Event for a job whose stage went from {@code before} to {@code after}'s (null when it did
   * not change): a Warning "Failed" with the failure's message, else the new stage with the
   * transition and what the Progressing condition says.
   */
  public static StageChange stageChange(Stage before, ReLATrainingJobStatus after) {
    if (after.stage == before) {
      return null;
    }
    String msg = after.conditions.stream()
        .filter(c -> Conditions.PROGRESSING.equals(c.getType()) || Conditions.FAILED.equals(c.getType()) && "True".equals(c.getStatus()))
        .reduce((a, b) -> b).map(Condition::getMessage).orElse("");
    if (after.stage == Stage.Failed) {
      return new StageChange(true, "Failed", msg);
    }
    return new StageChange(false, after.stage.name(), (before == null ? "" : before + " -> ") + after.stage + ": " + msg);
  }

  private static List<Condition> conditions(List<Condition> prev, Observation o, ReLATrainingJobStatus s, String now) {
    List<Condition> c = new ArrayList<>();
    long g = o.generation();
    Stage st = o.stage();
    if (st == Stage.Succeeded) {
      String acc = s.results != null && s.results.linearProbeAccuracy != null
          ? String.format(Locale.ROOT, "linear-probe accuracy %.4f", s.results.linearProbeAccuracy) : "evaluated";
      Conditions.set(c, prev, Conditions.READY, true, Conditions.Reason.SUCCEEDED, "Training finished and " + acc
          + (s.results != null && s.results.checkpoint != null ? "; checkpoint " + s.results.checkpoint : ""), g, now);
    } else {
      Conditions.set(c, prev, Conditions.READY, false, st == Stage.Failed ? o.reason() : Conditions.Reason.NOT_FINISHED,
          st == Stage.Failed ? "The run failed; see the Failed condition." : "The run has not finished.", g, now);
    }
    boolean progressing = st == Stage.Pending || st == Stage.Embedding || st == Stage.Training || st == Stage.Evaluating;
    Conditions.set(c, prev, Conditions.PROGRESSING, progressing, o.reason(), o.message(), g, now);
    if (st == Stage.Failed) {
      Conditions.set(c, prev, Conditions.FAILED, true, o.reason(), o.message(), g, now);
    } else {
      Conditions.set(c, prev, Conditions.FAILED, false, Conditions.Reason.NO_FAILURE, "No stage has failed.", g, now);
    }
    if (st == Stage.Suspended) {
      Conditions.set(c, prev, Conditions.SUSPENDED, true, o.reason(), o.message(), g, now);
    } else {
      Conditions.set(c, prev, Conditions.SUSPENDED, false, Conditions.Reason.NOT_SUSPENDED, "The run is not suspended.", g, now);
    }
    kstatus(c, prev, o, g, now);
    tracking(c, prev, o.progress(), g, now);
    return c;
  }

  /**
   * Tracking, for a job that reports to an experiment tracker: True once the trainer has its run,
   * False while writes fail (they are retried; training goes on). Absent without a tracker.
   */
  private static void tracking(List<Condition> c, List<Condition> prev, ProgressReport r, long g, String now) {
    if (r != null && r.trackingError != null) {
      Conditions.set(c, prev, Conditions.TRACKING, false, Conditions.Reason.TRACKING_UNAVAILABLE, text(r.trackingError)
          + " (retried in the background; training goes on)", g, now);
    } else if (r != null && r.mlflowRunId != null) {
      Conditions.set(c, prev, Conditions.TRACKING, true, Conditions.Reason.TRACKED, "Reporting to MLflow run "
          + text(r.mlflowRunId) + ".", g, now);
    } else {
      prev.stream().filter(x -> Conditions.TRACKING.equals(x.getType())).findFirst().ifPresent(c::add);
    }
  }

  /**
   * The two conditions kstatus (Flux, `kubectl wait`-style tools) reads before anything else:
   * Reconciling while the operator is still taking the run forward on its own (a stage runs, or
   * it waits for a prior job, a claim or Kueue's admission): InProgress; Stalled when it failed
   * and only a person can move it on: Failed, with the failure's reason and message; neither
   * once Succeeded (Current) or suspended by the user (kstatus then reads Ready=False:
   * InProgress, as for a suspended batch Job that has not finished).
   */
  private static void kstatus(List<Condition> c, List<Condition> prev, Observation o, long g, String now) {
    Stage st = o.stage();
    boolean reconciling = st == Stage.Pending || st == Stage.Embedding || st == Stage.Training || st == Stage.Evaluating
        || (st == Stage.Suspended && Conditions.Reason.QUEUED.equals(o.reason()));
    Conditions.set(c, prev, Conditions.RECONCILING, reconciling, reconciling ? o.reason() : st.name(),
        reconciling ? o.message() : "The operator has nothing to do until the spec changes.", g, now);
    boolean stalled = st == Stage.Failed;
    Conditions.set(c, prev, Conditions.STALLED, stalled, stalled ? o.reason() : Conditions.Reason.NO_FAILURE,
        stalled ? o.message() : "No stage has failed.", g, now);
  }

  static ProgressStatus progress(ProgressReport r, ProgressStatus previous) {
    if (r == null || r.epoch == null) {
      return previous;
    }
    ProgressStatus p = new ProgressStatus();
    p.epoch = r.epoch;
    p.totalEpochs = r.totalEpochs;
    p.epochOfTotal = r.epoch + "/" + r.totalEpochs;
    p.phase = r.phase == null ? null : r.phase.name();
    p.switchedAtEpoch = r.switchedAtEpoch;
    p.subsetRatio = r.subsetRatio;
    p.samplesSeen = r.samplesSeen;
    p.loss = r.loss == null ? null : round(r.loss, 4);
    p.rho = r.rho == null ? null : round(r.rho, 4);
    p.samplesPerSecond = r.samplesPerSecond == null ? null : round(r.samplesPerSecond, 1);
    p.etaSeconds = r.etaSeconds;
    p.updatedAt = text(r.updatedAt);
    p.skippedImages = r.skippedImages != null && r.skippedImages > 0 ? r.skippedImages : null;
    return p;
  }

  static ResultsStatus results(ProgressReport r, ResultsStatus previous) {
    if (r == null || r.linearProbeAccuracy == null) {
      return previous;
    }
    ResultsStatus res = new ResultsStatus();
    res.linearProbeAccuracy = round(r.linearProbeAccuracy, 4);
    res.randomBaselineAccuracy = r.randomBaselineAccuracy == null ? null : round(r.randomBaselineAccuracy, 4);
    res.knnAccuracy = r.knnAccuracy == null ? null : round(r.knnAccuracy, 4);
    res.randomBaselineKnnAccuracy = r.randomBaselineKnnAccuracy == null ? null : round(r.randomBaselineKnnAccuracy, 4);
    res.backboneExport = text(r.backboneExport);
    res.checkpoint = text(r.checkpoint);
    res.samplesProcessed = r.samplesProcessed;
    res.fullDataEquivalentEpochs = r.fullDataEquivalentEpochs == null ? null : round(r.fullDataEquivalentEpochs, 3);
    res.mlflowRunId = text(r.mlflowRunId);
    res.modelImage = text(r.modelImage);
    return res;
  }

  /** Strings from the progress ConfigMap (written by the trainer pod, or anyone who may edit it) are capped. */
  static String text(String s) {
    return Conditions.cap(s, MAX_TEXT);
  }

  static final int MAX_TEXT = 512;

  private static double round(double v, int places) {
    double f = Math.pow(10, places);
    return Math.round(v * f) / f;
  }
}
