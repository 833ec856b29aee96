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
import io.rela.trainer.model.Networks;
import io.rela.trainer.optim.AdamW;
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
    Networks.Architecture arch = s.architecture();
    Normalisation norm = s.normalisation();
    long stepsPerEpoch = s.stepsPerEpoch(data.size());
    SwitchRule.Averages averages = s.switchAverages(data.size());
    if (s.rela().schedule() == io.rela.api.spec.Schedule.Adaptive) {
      log.accept(String.format(java.util.Locale.ROOT, "Adaptive rule: fastDecay %.6f, slowDecay %.6f (%d steps per epoch;"
          + " window unit: a full-data epoch, %d steps)", averages.fastDecay(), averages.slowDecay(), stepsPerEpoch,
          s.fullDataStepsPerEpoch(data.size())));
    }
    SwitchRule rule = new SwitchRule(s.rela().schedule(), averages, s.rela().constantFraction(), s.training().epochs());
    List<ProgressReport> history = new ArrayList<>();
    RunIdentity me = RunIdentity.of(s);
    Optional<Checkpoint.Loaded> resume = Checkpoint.newestValid(checkpointDir, log);
    if (resume.isPresent()) {
      me.requireOwn(resume.get(), "", "resume");
    }
    Learner.Config config = new Learner.Config(arch, s.model().hiddenDim(), s.model().projectionDim(), targets.k(),
        data.numClasses(), s.rela().trainTransfer(), s.training().seed(), s.training().learningRate(),
        s.training().weightDecay(), s.training().momentum(), s.training().onlineClassifier());
    try (Learner learner = Learner.assemble(manager, config, targets, replicaDevices,
        resume.isEmpty() ? null : (nets, opt) -> resume.get().restore(nets, opt, nets.manager()));
        BatchLoader loader = new BatchLoader(data, s.data().imageSize(), s.training().workers(), s.training().seed())) {
      Networks nets = learner.nets;
      AdamW optimizer = learner.optimizer;
      int startEpoch = 0;
      long step = 0;
      long samplesSeen = 0;
      Path lastCheckpoint = null;
      if (resume.isPresent()) {
        Checkpoint.Loaded c = resume.get();
        rule.restore(c.meta.switchState());
        startEpoch = c.meta.epochsDone();
        step = c.meta.step();
        samplesSeen = c.meta.samplesSeen();
        lastCheckpoint = c.file;
        log.accept("resuming from " + c.file.getFileName() + " (" + startEpoch + " of " + s.training().epochs() + " epochs done)");
      }
      ReLAPhase rela = learner.rela;
      ByolPhase byol = learner.byol;
      Augmentation relaView = new Augmentation(AugmentationParams.rela(), s.data().imageSize(), norm.mean(), norm.std());
      Augmentation byol1 = new Augmentation(AugmentationParams.byol(1, s.data().imageSize()), s.data().imageSize(), norm.mean(), norm.std());
      Augmentation byol2 = new Augmentation(AugmentationParams.byol(2, s.data().imageSize()), s.data().imageSize(), norm.mean(), norm.std());
      SubsetSampler sampler = new SubsetSampler(data.size(), s.rela().dataRatio(), s.training().seed());
      long started = System.nanoTime();
      long samplesAtStart = samplesSeen;

      for (int epoch = startEpoch; epoch < s.training().epochs(); epoch++) {
        if (stopAfterEpochs != null && epoch >= stopAfterEpochs) {
          return new Outcome(lastCheckpoint, epoch, samplesSeen, rule.switchEpoch(), false, history);
        }
        rule.onEpochStart(epoch, step);
        int[] order = sampler.draw(epoch);
        int batches = order.length / s.training().batchSize();
        boolean relaPhase = rule.inReLA();
        Iterator<Batch> it = relaPhase
            ? loader.epoch(epoch, order, s.training().batchSize(), 0, relaView, relaView)
            : loader.epoch(epoch, order, s.training().batchSize(), 0, byol1, byol2);
        double lossSum = 0;
        long correct = 0;
        long epochSamples = 0;
        for (int b = 0; b < batches; b++) {
          Batch batch = it.next();
          StepResult r;
          if (relaPhase) {
            r = rela.step(batch);
            rule.onReLAStep(r.loss(), epoch, step);
            if (!rule.inReLA()) {
              log.accept("switching from ReLA to BYOL at epoch " + (epoch + 1) + ", step " + step + " (rho=" + String.format("%.4f", rule.rho()) + ")");
              relaPhase = false;
              it = loader.epoch(epoch, order, s.training().batchSize(), b + 1, byol1, byol2);
            }
          } else {
            r = byol.step(batch);
          }
          if (!Double.isFinite(r.loss())) {
            throw new NonFiniteLossException(r.loss(), epoch, step, relaPhase ? "ReLA" : "BYOL");
          }
          step++;
          samplesSeen += batch.size();
          epochSamples += batch.size();
          lossSum += r.loss();
          correct += r.correct();
          progress.report(report(epoch, rule, step, samplesSeen, r.loss(), started, samplesAtStart, false, null));
        }
        ProgressReport end = report(epoch + 1, rule, step, samplesSeen, lossSum / Math.max(1, batches), started,
            samplesAtStart, true, s.training().onlineClassifier() && epochSamples > 0 ? (double) correct / epochSamples : null);
        boolean last = epoch + 1 == s.training().epochs();
        if (last || (epoch + 1) % s.training().checkpointEvery() == 0) {
          Checkpoint.Meta meta = new Checkpoint.Meta(epoch + 1, step, samplesSeen, s.training().seed(), s.model().backbone().name(),
              s.model().cifarStem(), s.data().channels(), s.data().imageSize(), rule.state(), norm.mean(), norm.std(), me);
          lastCheckpoint = Checkpoint.save(checkpointDir, meta, nets, optimizer, 2);
          end.checkpoint = lastCheckpoint.toString();
        }
        history.add(end);
        progress.report(end);
      }
      return new Outcome(lastCheckpoint, s.training().epochs(), samplesSeen, rule.switchEpoch(), true, history);
    }
  }

  private ProgressReport report(int epoch, SwitchRule rule, long step, long samplesSeen, double loss, long started,
      long samplesAtStart, boolean epochEnd, Double onlineAccuracy) {
    ProgressReport r = progress.current();
    r.stage = io.rela.api.contract.TrainerStage.Training;
    r.epoch = epoch;
    r.totalEpochs = s.training().epochs();
    r.phase = rule.inReLA() ? io.rela.api.contract.TrainingPhase.ReLA : io.rela.api.contract.TrainingPhase.BYOL;
    r.switchedAtEpoch = rule.switchEpoch() >= 0 ? rule.switchEpoch() : null;
    r.switchedAtStep = rule.switchStep() >= 0 ? rule.switchStep() : null;
    r.subsetRatio = s.rela().dataRatio();
    r.skippedImages = data.skippedImages() > 0 ? data.skippedImages() : null;
    r.step = step;
    r.samplesSeen = samplesSeen;
    r.loss = loss;
    // rho only means something under the Adaptive rule
    r.rho = s.rela().schedule() == io.rela.api.spec.Schedule.Adaptive ? rule.rho() : null;
    double seconds = (System.nanoTime() - started) / 1e9;
    double rate = seconds > 0 ? (samplesSeen - samplesAtStart) / seconds : 0;
    r.samplesPerSecond = rate;
    long perEpoch = s.stepsPerEpoch(data.size()) * s.training().batchSize();
    long remaining = (long) s.training().epochs() * perEpoch - samplesSeen;
    r.etaSeconds = rate > 0 ? (long) (Math.max(0, remaining) / rate) : null;
    r.epochEnd = epochEnd;
    r.onlineAccuracy = onlineAccuracy;
    return r;
  }
}
