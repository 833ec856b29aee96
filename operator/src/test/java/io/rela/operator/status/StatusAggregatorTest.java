package io.rela.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.rela.api.contract.ProgressReport;
import io.rela.api.status.ReLATrainingJobStatus;
import io.rela.api.status.Stage;
import org.junit.jupiter.api.Test;

class StatusAggregatorTest {

  private static ProgressReport report() {
    ProgressReport r = new ProgressReport();
    r.epoch = 4;
    r.totalEpochs = 20;
    r.phase = io.rela.api.contract.TrainingPhase.ReLA;
    r.loss = 0.412345678;
    r.samplesPerSecond = 812.345;
    return r;
  }

  @Test
  void progressIsCopiedAndRounded() {
    ReLATrainingJobStatus s = StatusAggregator.aggregate(null,
        new Observation(3, Stage.Training, Conditions.Reason.TRAINING, "training", report(), null), "2026-01-01T00:00:00Z");
    assertThat(s.observedGeneration).isEqualTo(3);
    assertThat(s.progress.epochOfTotal).isEqualTo("4/20");
    assertThat(s.progress.loss).isEqualTo(0.4123);
    assertThat(s.progress.samplesPerSecond).isEqualTo(812.3);
    assertThat(s.startTime).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(Conditions.isTrue(s.conditions, Conditions.PROGRESSING)).isTrue();
    assertThat(Conditions.isTrue(s.conditions, Conditions.READY)).isFalse();
  }

  @Test
  void transitionTimesOnlyMoveWhenAConditionFlips() {
    Observation training = new Observation(1, Stage.Training, Conditions.Reason.TRAINING, "t", report(), null);
    ReLATrainingJobStatus first = StatusAggregator.aggregate(null, training, "T1");
    ReLATrainingJobStatus same = StatusAggregator.aggregate(first, training, "T2");
    assertThat(same).isEqualTo(first);
    ReLATrainingJobStatus suspended = StatusAggregator.aggregate(same,
        new Observation(1, Stage.Suspended, Conditions.Reason.SUSPENDED_BY_USER, "s", report(), null), "T3");
    assertThat(suspended.conditions).filteredOn(c -> c.getType().equals(Conditions.SUSPENDED)).singleElement()
        .satisfies(c -> assertThat(c.getLastTransitionTime()).isEqualTo("T3"));
    assertThat(suspended.conditions).filteredOn(c -> c.getType().equals(Conditions.FAILED)).singleElement()
        .satisfies(c -> assertThat(c.getLastTransitionTime()).isEqualTo("T1"));
    assertThat(suspended.startTime).isEqualTo("T1");
  }

  @Test
  void successCarriesResultsAndCompletionTime() {
    ProgressReport done = report();
    done.linearProbeAccuracy = 0.87654;
    done.knnAccuracy = 0.85432;
    done.randomBaselineKnnAccuracy = 0.61234;
    done.backboneExport = "/workspace/export";
    done.skippedImages = 3;
    done.checkpoint = "/workspace/checkpoints/c.bin";
    ReLATrainingJobStatus s = StatusAggregator.aggregate(null,
        new Observation(1, Stage.Succeeded, Conditions.Reason.SUCCEEDED, "done", done, null), "T9");
    assertThat(s.results.linearProbeAccuracy).isEqualTo(0.8765);
    assertThat(s.results.knnAccuracy).isEqualTo(0.8543);
    assertThat(s.results.randomBaselineKnnAccuracy).isEqualTo(0.6123);
    assertThat(s.results.backboneExport).isEqualTo("/workspace/export");
    assertThat(s.progress.skippedImages).as("unreadable images the trainer skipped").isEqualTo(3);
    assertThat(s.completionTime).isEqualTo("T9");
    assertThat(Conditions.isTrue(s.conditions, Conditions.READY)).isTrue();
    assertThat(s.conditions).filteredOn(c -> c.getType().equals(Conditions.READY)).singleElement()
        .satisfies(c -> assertThat(c.getMessage()).contains("0.8765").contains("c.bin"));
  }

  /** Tracking: absent without a tracker, True with the run, False while MLflow cannot be written (training goes on). */
  @Test
  void trackingIsAConditionOnlyForJobsThatReportToATracker() {
    ReLATrainingJobStatus none = StatusAggregator.aggregate(null,
        new Observation(1, Stage.Training, Conditions.Reason.TRAINING, "t", report(), null), "T1");
    assertThat(none.conditions).noneMatch(c -> c.getType().equals(Conditions.TRACKING));
    ProgressReport tracked = report();
    tracked.mlflowRunId = "0a1b2c";
    ReLATrainingJobStatus ok = StatusAggregator.aggregate(none,
        new Observation(1, Stage.Training, Conditions.Reason.TRAINING, "t", tracked, null), "T2");
    assertThat(ok.conditions).filteredOn(c -> c.getType().equals(Conditions.TRACKING)).singleElement().satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo("True");
      assertThat(c.getMessage()).contains("0a1b2c");
    });
    ProgressReport failing = report();
    failing.mlflowRunId = "0a1b2c";
    failing.trackingError = "MLflow at http://mlflow:5000: Connection refused";
    ReLATrainingJobStatus down = StatusAggregator.aggregate(ok,
        new Observation(1, Stage.Training, Conditions.Reason.TRAINING, "t", failing, null), "T3");
    assertThat(down.stage).isEqualTo(Stage.Training);
    assertThat(down.conditions).filteredOn(c -> c.getType().equals(Conditions.TRACKING)).singleElement().satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getReason()).isEqualTo("TrackingUnavailable");
      assertThat(c.getMessage()).contains("Connection refused").contains("training goes on");
    });
    // a report without tracker fields (the embedding stage's) keeps what was known
    ReLATrainingJobStatus kept = StatusAggregator.aggregate(down,
        new Observation(1, Stage.Training, Conditions.Reason.TRAINING, "t", report(), null), "T4");
    assertThat(kept.conditions).filteredOn(c -> c.getType().equals(Conditions.TRACKING)).singleElement()
        .satisfies(c -> assertThat(c.getReason()).isEqualTo("TrackingUnavailable"));
  }

  @Test
  void aRetryValueIsRecordedOnceActedOnAndKeptAfter() {
    ReLATrainingJobStatus failed = StatusAggregator.aggregate(null,
        new Observation(1, Stage.Failed, Conditions.Reason.OOM_KILLED, "oom", null, null), "T1");
    assertThat(failed.retriedFor).isNull();
    ReLATrainingJobStatus retrying = StatusAggregator.aggregate(failed,
        new Observation(1, Stage.Pending, Conditions.Reason.RETRYING, "retry", null, null, "7"), "T2");
    assertThat(retrying.retriedFor).isEqualTo("7");
    ReLATrainingJobStatus training = StatusAggregator.aggregate(retrying,
        new Observation(1, Stage.Training, Conditions.Reason.TRAINING, "t", report(), null), "T3");
    assertThat(training.retriedFor).isEqualTo("7");
  }

  @Test
  void aStageChangeIsOneEventAndNoChangeIsNone() {
    ReLATrainingJobStatus embedding = StatusAggregator.aggregate(null,
        new Observation(1, Stage.Embedding, Conditions.Reason.EMBEDDING, "Embedding the dataset.", null, null), "T1");
    StatusAggregator.StageChange first = StatusAggregator.stageChange(null, embedding);
    assertThat(first).isEqualTo(new StatusAggregator.StageChange(false, "Embedding", "Embedding: Embedding the dataset."));
    assertThat(StatusAggregator.stageChange(Stage.Embedding, embedding)).isNull();
    ReLATrainingJobStatus training = StatusAggregator.aggregate(embedding,
        new Observation(1, Stage.Training, Conditions.Reason.TRAINING, "Training.", report(), null), "T2");
    assertThat(StatusAggregator.stageChange(Stage.Embedding, training).message()).isEqualTo("Embedding -> Training: Training.");
    ReLATrainingJobStatus failed = StatusAggregator.aggregate(training,
        new Observation(1, Stage.Failed, Conditions.Reason.NON_FINITE_LOSS, "loss is NaN", report(), null), "T3");
    assertThat(StatusAggregator.stageChange(Stage.Training, failed))
        .isEqualTo(new StatusAggregator.StageChange(true, "Failed", "loss is NaN"));
  }
}
