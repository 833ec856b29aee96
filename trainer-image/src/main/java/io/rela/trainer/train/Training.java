package io.rela.trainer.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.rela.api.contract.ProgressReport;
import io.rela.trainer.augment.Augmentation;
import io.rela.trainer.augment.AugmentationParams;
import io.rela.trainer.checkpoint.Checkpoint;
import io.rela.trainer.checkpoint.RunIdentity;
import io.rela.trainer.config.JobSettings;
import io.rela.trainer.data.Batch;
import io.rela.trainer.data.BatchLoader;
import io.rela.trainer.data.ImageDataset;
import io.rela.trainer.data.Normalisation;
import io.rela.trainer.progress.Progress;
import io.rela.trainer.rela.SubsetSampler;
import io.rela.trainer.rela.SwitchRule;
import io.rela.trainer.rela.TargetReducer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The training stage: per epoch a fresh random subset, ReLA steps until the switch rule fires,
 * BYOL steps after, a checkpoint at epoch ends. Starts from the newest valid checkpoint, so a
 * restarted pod continues where the last one stopped and ends with the same weights.
 */
public final class Training {

  /** How the stage ended. */
  public record Outcome(Path checkpoint, int epochsDone, long samplesSeen, int switchEpoch, boolean finished,
      List<ProgressReport> epochs) {}

  private final JobSettings s;
  private final ImageDataset data;
  private final TargetReducer.Targets targets;
  private final Path checkpointDir;
  private final Progress progress;
  private final Consumer<String> log;
  private Integer stopAfterEpochs;
  private List<Device> replicaDevices = List.of();

  public Training(JobSettings settings, ImageDataset data, TargetReducer.Targets targets, Path checkpointDir,
      Progress progress, Consumer<String> log) {
    this.s = settings;
    this.data = data;
    this.targets = targets;
    this.checkpointDir = checkpointDir;
    this.progress = progress;
    this.log = log;
  }

  /** Stops (as a killed pod would, but cleanly) once this many epochs are done; for tests. */
  public Training stopAfterEpochs(Integer epochs) {
    this.stopAfterEpochs = epochs;
    return this;
  }

  /** Further devices, beyond the one of the manager given to {@link #run}, that share every batch. */
  public Training replicas(List<Device> devices) {
    this.replicaDevices = List.copyOf(devices);
    return this;
  }

  public Outcome run(NDManager manager) throws IOException {
    SwitchRule rule = switchRule();
    RunIdentity me = RunIdentity.of(s);
    Optional<Checkpoint.Loaded> resume = Checkpoint.newestValid(checkpointDir, log);
    resume.ifPresent(c -> me.requireOwn(c, "", "resume"));
    try (Learner learner = Learner.assemble(manager, learnerConfig(), targets, replicaDevices,
        resume.isEmpty() ? null : (nets, opt) -> resume.get().restore(nets, opt, nets.manager()));
        BatchLoader loader = new BatchLoader(data, s.data().imageSize(), s.training().workers(), s.training().seed())) {
      Cursor at = new Cursor();
      resume.ifPresent(c -> at.resumeFrom(c, rule));
      Views views = new Views(s.data().imageSize(), s.normalisation());
      SubsetSampler sampler = new SubsetSampler(data.size(), s.rela().dataRatio(), s.training().seed());
      List<ProgressReport> history = new ArrayList<>();
      for (int epoch = at.epochsDone; epoch < s.training().epochs(); epoch++) {
        if (stopAfterEpochs != null && epoch >= stopAfterEpochs) {
          return new Outcome(at.lastCheckpoint, epoch, at.samplesSeen, rule.switchEpoch(), false, history);
        }
        ProgressReport end = trainEpoch(epoch, sampler.draw(epoch), learner, loader, views, rule, at);
        if (epoch + 1 == s.training().epochs() || (epoch + 1) % s.training().checkpointEvery() == 0) {
          Normalisation norm = s.normalisation();
          Checkpoint.Meta meta = new Checkpoint.Meta(epoch + 1, at.step, at.samplesSeen, s.training().seed(),
              s.model().backbone().name(), s.model().cifarStem(), s.data().channels(), s.data().imageSize(), rule.state(),
              norm.mean(), norm.std(), me);
          at.lastCheckpoint = Checkpoint.save(checkpointDir, meta, learner.nets, learner.optimizer, 2);
          end.checkpoint = at.lastCheckpoint.toString();
        }
        history.add(end);
        progress.report(end);
      }
      return new Outcome(at.lastCheckpoint, s.training().epochs(), at.samplesSeen, rule.switchEpoch(), true, history);
    }
  }

  /**
   * One epoch over the subset {@code order}: ReLA steps while the rule says so, BYOL steps after
   * (from the next batch of the same epoch when the rule fires mid-epoch); the epoch's closing report.
   */
  private ProgressReport trainEpoch(int epoch, int[] order, Learner learner, BatchLoader loader, Views views, SwitchRule rule,
      Cursor at) {
    rule.onEpochStart(epoch, at.step);
    int batchSize = s.training().batchSize();
    int batches = order.length / batchSize;
    boolean relaPhase = rule.inReLA();
    Iterator<Batch> it = relaPhase
        ? loader.epoch(epoch, order, batchSize, 0, views.rela, views.rela)
        : loader.epoch(epoch, order, batchSize, 0, views.byol1, views.byol2);
    double lossSum = 0;
    long correct = 0;
    long epochSamples = 0;
    for (int b = 0; b < batches; b++) {
      Batch batch = it.next();
      StepResult r;
      if (relaPhase) {
        r = learner.rela.step(batch);
        rule.onReLAStep(r.loss(), epoch, at.step);
        if (!rule.inReLA()) {
          log.accept("switching from ReLA to BYOL at epoch " + (epoch + 1) + ", step " + at.step + " (rho="
              + String.format("%.4f", rule.rho()) + ")");
          relaPhase = false;
          it = loader.epoch(epoch, order, batchSize, b + 1, views.byol1, views.byol2);
        }
      } else {
        r = learner.byol.step(batch);
      }
      if (!Double.isFinite(r.loss())) {
        throw new NonFiniteLossException(r.loss(), epoch, at.step, relaPhase ? "ReLA" : "BYOL");
      }
      at.step++;
      at.samplesSeen += batch.size();
      epochSamples += batch.size();
      lossSum += r.loss();
      correct += r.correct();
      progress.report(report(epoch, rule, at, r.loss(), false, null));
    }
    return report(epoch + 1, rule, at, lossSum / Math.max(1, batches), true,
        s.training().onlineClassifier() && epochSamples > 0 ? (double) correct / epochSamples : null);
  }

  /** The switch rule of the spec, saying how its windows came out for this training set. */
  private SwitchRule switchRule() {
    SwitchRule.Averages averages = s.switchAverages(data.size());
    if (s.rela().schedule() == io.rela.api.spec.Schedule.Adaptive) {
      log.accept(String.format(java.util.Locale.ROOT, "Adaptive rule: fastDecay %.6f, slowDecay %.6f (%d steps per epoch;"
          + " window unit: a full-data epoch, %d steps)", averages.fastDecay(), averages.slowDecay(),
          s.stepsPerEpoch(data.size()), s.fullDataStepsPerEpoch(data.size())));
    }
    return new SwitchRule(s.rela().schedule(), averages, s.rela().constantFraction(), s.training().epochs());
  }

  private Learner.Config learnerConfig() {
    return new Learner.Config(s.architecture(), s.model().hiddenDim(), s.model().projectionDim(), targets.k(),
        data.numClasses(), s.rela().trainTransfer(), s.training().seed(), s.training().learningRate(),
        s.training().weightDecay(), s.training().momentum(), s.training().onlineClassifier());
  }

  /** The ReLA view and BYOL's two views, normalised with the dataset's statistics. */
  private record Views(Augmentation rela, Augmentation byol1, Augmentation byol2) {
    Views(int size, Normalisation norm) {
      this(new Augmentation(AugmentationParams.rela(), size, norm.mean(), norm.std()),
          new Augmentation(AugmentationParams.byol(1, size), size, norm.mean(), norm.std()),
          new Augmentation(AugmentationParams.byol(2, size), size, norm.mean(), norm.std()));
    }
  }

  /** Where the run stands: epochs done, steps and samples so far, the last checkpoint, and the rate's origin. */
  private final class Cursor {
    int epochsDone;
    long step;
    long samplesSeen;
    Path lastCheckpoint;
    final long started = System.nanoTime();
    long samplesAtStart;

    void resumeFrom(Checkpoint.Loaded c, SwitchRule rule) {
      rule.restore(c.meta.switchState());
      epochsDone = c.meta.epochsDone();
      step = c.meta.step();
      samplesSeen = c.meta.samplesSeen();
      samplesAtStart = samplesSeen;
      lastCheckpoint = c.file;
      log.accept("resuming from " + c.file.getFileName() + " (" + epochsDone + " of " + s.training().epochs() + " epochs done)");
    }
  }

  private ProgressReport report(int epoch, SwitchRule rule, Cursor at, double loss, boolean epochEnd, Double onlineAccuracy) {
    ProgressReport r = progress.current();
    r.stage = io.rela.api.contract.TrainerStage.Training;
    r.epoch = epoch;
    r.totalEpochs = s.training().epochs();
    r.phase = rule.inReLA() ? io.rela.api.contract.TrainingPhase.ReLA : io.rela.api.contract.TrainingPhase.BYOL;
    r.switchedAtEpoch = rule.switchEpoch() >= 0 ? rule.switchEpoch() : null;
    r.switchedAtStep = rule.switchStep() >= 0 ? rule.switchStep() : null;
    r.subsetRatio = s.rela().dataRatio();
    r.skippedImages = data.skippedImages() > 0 ? data.skippedImages() : null;
    r.step = at.step;
    r.samplesSeen = at.samplesSeen;
    r.loss = loss;
    // rho only means something under the Adaptive rule
    r.rho = s.rela().schedule() == io.rela.api.spec.Schedule.Adaptive ? rule.rho() : null;
    double seconds = (System.nanoTime() - at.started) / 1e9;
    double rate = seconds > 0 ? (at.samplesSeen - at.samplesAtStart) / seconds : 0;
    r.samplesPerSecond = rate;
    long perEpoch = s.stepsPerEpoch(data.size()) * s.training().batchSize();
    long remaining = (long) s.training().epochs() * perEpoch - at.samplesSeen;
    r.etaSeconds = rate > 0 ? (long) (Math.max(0, remaining) / rate) : null;
    r.epochEnd = epochEnd;
    r.onlineAccuracy = onlineAccuracy;
    return r;
  }
}
