package io.rela.trainer.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.rela.api.contract.ProgressReport;
import io.rela.trainer.augment.Augmentation;
import io.rela.trainer.augment.AugmentationParams;
import io.rela.trainer.config.JobSettings;
import io.rela.trainer.data.Batch;
import io.rela.trainer.data.BatchLoader;
import io.rela.trainer.data.Datasets;
import io.rela.trainer.data.ImageDataset;
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
    Networks.Architecture arch = new Networks.Architecture(s.backbone(), s.cifarStem(), s.channels(), s.imageSize());
    float[][] norm = Datasets.normalisation(s.format(), s.channels());
    SwitchRule rule = new SwitchRule(s.schedule(),
        new SwitchRule.Averages(s.rhoThreshold(), s.fastDecay(), s.slowDecay()), s.constantFraction(), s.epochs());
    List<ProgressReport> history = new ArrayList<>();
    try (Networks nets = new Networks(manager, arch, s.hiddenDim(), s.projectionDim(), targets.k(), data.numClasses(),
        s.trainTransfer(), s.seed());
        BatchLoader loader = new BatchLoader(data, s.imageSize(), s.workers(), s.seed())) {
      AdamW optimizer = new AdamW(nets.manager(), s.learningRate(), s.weightDecay());
      int startEpoch = 0;
      long step = 0;
      long samplesSeen = 0;
      Path lastCheckpoint = null;
      Optional<Checkpoint.Loaded> resume = Checkpoint.newestValid(checkpointDir, log);
      if (resume.isPresent()) {
        Checkpoint.Loaded c = resume.get();
        c.restore(nets, optimizer, nets.manager());
        rule.restore(c.meta.switchState());
        startEpoch = c.meta.epochsDone();
        step = c.meta.step();
        samplesSeen = c.meta.samplesSeen();
        lastCheckpoint = c.file;
        log.accept("resuming from " + c.file.getFileName() + " (" + startEpoch + " of " + s.epochs() + " epochs done)");
      }
      StepContext ctx = new StepContext(nets, optimizer, s.momentum(), s.onlineClassifier(), data.numClasses());
      List<StepContext> replicas = new ArrayList<>();
      for (Device d : replicaDevices) {
        // under the primary's manager, so the replicas go when the primary does
        Networks r = new Networks(nets.manager().newSubManager(d), arch, s.hiddenDim(), s.projectionDim(), targets.k(),
            data.numClasses(), s.trainTransfer(), s.seed());
        replicas.add(new StepContext(r, null, s.momentum(), s.onlineClassifier(), data.numClasses()));
      }
      DataParallel devices = new DataParallel(ctx, replicas);
      ReLAPhase rela = new ReLAPhase(devices, targets, s.trainTransfer());
      ByolPhase byol = new ByolPhase(devices);
      Augmentation relaView = new Augmentation(AugmentationParams.rela(), s.imageSize(), norm[0], norm[1]);
      Augmentation byol1 = new Augmentation(AugmentationParams.byol(1, s.imageSize()), s.imageSize(), norm[0], norm[1]);
      Augmentation byol2 = new Augmentation(AugmentationParams.byol(2, s.imageSize()), s.imageSize(), norm[0], norm[1]);
      SubsetSampler sampler = new SubsetSampler(data.size(), s.dataRatio(), s.seed());
      long started = System.nanoTime();
      long samplesAtStart = samplesSeen;

      for (int epoch = startEpoch; epoch < s.epochs(); epoch++) {
        if (stopAfterEpochs != null && epoch >= stopAfterEpochs) {
          return new Outcome(lastCheckpoint, epoch, samplesSeen, rule.switchEpoch(), false, history);
        }
        rule.onEpochStart(epoch, step);
        int[] order = sampler.draw(epoch);
        int batches = order.length / s.batchSize();
        boolean relaPhase = rule.inReLA();
        Iterator<Batch> it = relaPhase
            ? loader.epoch(epoch, order, s.batchSize(), 0, relaView, relaView)
            : loader.epoch(epoch, order, s.batchSize(), 0, byol1, byol2);
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
              it = loader.epoch(epoch, order, s.batchSize(), b + 1, byol1, byol2);
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
            samplesAtStart, true, s.onlineClassifier() && epochSamples > 0 ? (double) correct / epochSamples : null);
        boolean last = epoch + 1 == s.epochs();
        if (last || (epoch + 1) % s.checkpointEvery() == 0) {
          Checkpoint.Meta meta = new Checkpoint.Meta(epoch + 1, step, samplesSeen, s.seed(), s.backbone().name(),
              s.cifarStem(), s.channels(), s.imageSize(), rule.state(), norm[0], norm[1]);
          lastCheckpoint = Checkpoint.save(checkpointDir, meta, nets, optimizer, 2);
          end.checkpoint = lastCheckpoint.toString();
        }
        history.add(end);
        progress.report(end);
      }
      return new Outcome(lastCheckpoint, s.epochs(), samplesSeen, rule.switchEpoch(), true, history);
    }
  }

  private ProgressReport report(int epoch, SwitchRule rule, long step, long samplesSeen, double loss, long started,
      long samplesAtStart, boolean epochEnd, Double onlineAccuracy) {
    ProgressReport r = progress.current();
    r.stage = "Training";
    r.epoch = epoch;
    r.totalEpochs = s.epochs();
    r.phase = rule.inReLA() ? "ReLA" : "BYOL";
    r.switchedAtEpoch = rule.switchEpoch() >= 0 ? rule.switchEpoch() : null;
    r.switchedAtStep = rule.switchStep() >= 0 ? rule.switchStep() : null;
    r.subsetRatio = s.dataRatio();
    r.skippedImages = data.skippedImages() > 0 ? data.skippedImages() : null;
    r.step = step;
    r.samplesSeen = samplesSeen;
    r.loss = loss;
    // rho only means something under the Adaptive rule
    r.rho = s.schedule() == io.rela.api.spec.Schedule.Adaptive ? rule.rho() : null;
    double seconds = (System.nanoTime() - started) / 1e9;
    double rate = seconds > 0 ? (samplesSeen - samplesAtStart) / seconds : 0;
    r.samplesPerSecond = rate;
    long perEpoch = (long) Math.floor(data.size() * s.dataRatio()) / s.batchSize() * s.batchSize();
    long remaining = (long) s.epochs() * perEpoch - samplesSeen;
    r.etaSeconds = rate > 0 ? (long) (Math.max(0, remaining) / rate) : null;
    r.epochEnd = epochEnd;
    r.onlineAccuracy = onlineAccuracy;
    return r;
  }
}
