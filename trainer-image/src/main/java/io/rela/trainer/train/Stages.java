package io.rela.trainer.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rela.api.contract.ProgressReport;
import io.rela.trainer.BadInputException;
import io.rela.trainer.Workspace;
import io.rela.trainer.checkpoint.Checkpoint;
import io.rela.trainer.checkpoint.RunIdentity;
import io.rela.trainer.config.EvalSettings;
import io.rela.trainer.config.JobSettings;
import io.rela.trainer.data.Datasets;
import io.rela.trainer.data.ImageDataset;
import io.rela.trainer.data.Split;
import io.rela.trainer.eval.CheckpointEvaluation;
import io.rela.trainer.export.ModelImage;
import io.rela.trainer.prior.EmbeddingCache;
import io.rela.trainer.prior.EmbeddingPass;
import io.rela.trainer.prior.PriorTargets;
import io.rela.trainer.prior.Priors;
import io.rela.trainer.progress.EpochHistory;
import io.rela.trainer.progress.Progress;
import io.rela.trainer.rela.TargetReducer;
import io.rela.trainer.runtime.Accelerators;
import io.rela.trainer.runtime.ProcessIdentity;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The three stages of a job (embed, train, eval) over one workspace. The cluster runs each in
 * its own pod; {@code rela-trainer run} runs them in one process.
 */
public final class Stages implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final JobSettings s;
  private final Workspace ws;
  private final Path priorCheckpoint;
  private final Progress progress;
  private final PrintStream log;
  private final boolean skipUnreadable;
  private final NDManager manager;
  private final List<Device> devices;
  private ImageDataset train;
  private String priorJobUid;
  private ImageDataset evalData;
  private String workspaceName;
  private boolean fresh;
  private String priorIdentity;

  public Stages(JobSettings settings, Workspace ws, Path priorCheckpoint, Progress progress, PrintStream log,
      boolean skipUnreadable) {
    this.s = settings;
    this.ws = ws;
    this.priorCheckpoint = priorCheckpoint;
    this.progress = progress;
    this.log = log;
    this.skipUnreadable = skipUnreadable;
    this.workspaceName = "workspace " + ws.root();
    log.println("running as " + ProcessIdentity.describe());
    this.devices = Accelerators.forThisProcess(settings.gpus(), log);
    this.manager = NDManager.newBaseManager(devices.get(0));
  }

  /** The training split, opened once (a bad file stops here, before any work). */
  public ImageDataset trainData() {
    if (train == null) {
      train = split(s.data().trainPath(), Split.TRAIN, s.training().maxSamples());
      s.requireFits(train.size(), train.channels());
    }
    return train;
  }

  /** The cache key, from content: {@link io.rela.api.contract.PriorCacheKey}. */
  public String cacheKey() {
    return EmbeddingCache.key(trainData().identity(), priorIdentity(), s.prior().inputSize());
  }

  /** Computed once: for a file prior it hashes the whole file. */
  private String priorIdentity() {
    if (priorIdentity == null) {
      priorIdentity = Priors.identity(s, priorCheckpoint, priorJobUid);
    }
    return priorIdentity;
  }

  /** Embeds slice {@code shard} of {@code shards} unless the cache already holds it; returns whether work was done. */
  public boolean embed(int shard, int shards) throws IOException {
    if (!s.rela().schedule().usesPriorTargets()) {
      log.println("schedule None (plain BYOL) uses no prior targets; skipping the embedding pass");
      return false;
    }
    ImageDataset data = trainData();
    EmbeddingCache cache = new EmbeddingCache(ws.priorCache());
    String key = cacheKey();
    ProgressReport r = progress.current();
    r.stage = io.rela.api.contract.TrainerStage.Embedding;
    r.priorCacheKey = key;
    if (cache.hasShard(key, shard, shards, data.size())) {
      log.println("prior cache hit: " + key + " shard " + shard + "/" + shards + " already embedded; skipping the pass");
      r.priorReused = true;
      report(r);
      return false;
    }
    report(r);
    embedShard(data, cache, key, shard, shards);
    r.priorReused = false;
    report(r);
    return true;
  }

  private void embedShard(ImageDataset data, EmbeddingCache cache, String key, int shard, int shards) throws IOException {
    EmbeddingPass.Result res = EmbeddingPass.run(manager, () -> Priors.open(s, manager, priorCheckpoint, priorJobUid), data, cache, key,
        shard, shards, Map.of("dataset", data.identity(), "prior", priorIdentity(), "inputSize", s.prior().inputSize(),
            "preprocessing", io.rela.api.contract.PriorCacheKey.PREPROCESSING_VERSION));
    log.printf("embedded %d samples (dim %d) in %.1f s, %.0f samples/s -> %s%s%n", res.samples(), res.dimension(),
        res.seconds(), res.samples() / Math.max(res.seconds(), 1e-9), cache.dir(key),
        res.published() ? "" : " (another process published this shard first; its file is kept)");
  }

  /** Builds the targets from the cached embeddings ({@link PriorTargets}) and trains. */
  public Training.Outcome train(Integer stopAfterEpochs) throws IOException {
    ImageDataset data = trainData();
    RunIdentity.of(s).claim(ws.root(), workspaceName, fresh, log::println);
    if (!s.rela().schedule().usesPriorTargets()) {
      // BYOL from the first step: the transfer layer exists but is never used
      TargetReducer.Targets none = TargetReducer.Targets.none(s.model().featureDim());
      return runTraining(data, none, stopAfterEpochs);
    }
    EmbeddingCache cache = new EmbeddingCache(ws.priorCache());
    String key = cacheKey();
    long t0 = System.nanoTime();
    PriorTargets.Built built = PriorTargets.build(cache, key, s.prior().shards(), data.size(), s.rela().targetDim(),
        s.model().featureDim(), (shard, shards) -> embedShard(data, cache, key, shard, shards), log::println);
    TargetReducer.Targets targets = built.targets();
    int priorDim = built.priorDimension();
    log.printf("targets: %d x %d from prior dimension %d (streamed PCA + standardisation, %.1f s)%n", targets.n(),
        targets.k(), priorDim, (System.nanoTime() - t0) / 1e9);
    ProgressReport r = progress.current();
    r.stage = io.rela.api.contract.TrainerStage.Training;
    r.priorCacheKey = key;
    r.priorDimension = priorDim;
    r.priorSamples = targets.n();
    report(r);
    return runTraining(data, targets, stopAfterEpochs);
  }

  private Training.Outcome runTraining(ImageDataset data, TargetReducer.Targets targets, Integer stopAfterEpochs)
      throws IOException {
    Training.Outcome outcome = new Training(s, data, targets, ws.checkpoints(), progress, log::println)
        .stopAfterEpochs(stopAfterEpochs).replicas(devices.subList(1, devices.size())).run(manager);
    Files.createDirectories(ws.root());
    Files.writeString(ws.trainResult(), JSON.writeValueAsString(outcome));
    return outcome;
  }

  /**
   * Evaluates the newest checkpoint's backbone (linear probe and kNN) and, as the baseline, the
   * untrained backbone the student started from; exports the trained backbone for PyTorch.
   */
  public ProgressReport evaluate() throws IOException {
    Checkpoint.Loaded ckpt = Checkpoint.newestValid(ws.checkpoints(), log::println)
        .orElseThrow(() -> new BadInputException(ws.checkpoints() + ": no valid checkpoint to evaluate; run the train stage first"));
    RunIdentity.of(s).requireOwn(ckpt, workspaceName + ": ", "evaluate and report");
    ProgressReport r = progress.current();
    r.stage = io.rela.api.contract.TrainerStage.Evaluating;
    report(r);
    EvalSettings e = s.evaluation();
    ImageDataset probeTrain = e.maxSamples() == null ? trainData() : split(s.data().trainPath(), Split.TRAIN, e.maxSamples());
    ImageDataset test = split(s.data().evalPath(), Split.TEST, e.maxSamples());
    evalData = test;
    CheckpointEvaluation.run(s, manager, ckpt, probeTrain, test, trainData().size(), ws.exportDir(), r, log);
    int skipped = skippedImages();
    if (skipped > 0) {
      log.println("skipped " + skipped + " unreadable images (decoded as black); see the files named above");
    }
    r.stage = io.rela.api.contract.TrainerStage.Done;
    report(r);
    return r;
  }

  /**
   * Pushes the export and the report's summary as the model image of spec.export.image (after
   * {@link #evaluate} and the report) and reports its digest; without spec.export, nothing.
   */
  public ProgressReport publishModelImage(ProgressReport result) throws IOException, InterruptedException {
    if (s.export() == null) {
      return result;
    }
    String ref = ModelImage.publish(s, ws, result, log);
    ProgressReport r = result.copy();
    r.modelImage = ref;
    report(r);
    return r;
  }

  /** A labelled split of the dataset, at most {@code limit} samples. */
  private ImageDataset split(Path path, Split split, Integer limit) {
    return Datasets.open(s.data().format(), path, split, s.data().imageSize(), s.data().channels(), skipUnreadable).limit(limit);
  }

  /**
   * How the workspace is named in messages (the claim, in a cluster), and whether a workspace
   * holding another run's files is moved aside ({@code fresh}) rather than refused.
   */
  public Stages workspace(String name, boolean fresh) {
    this.workspaceName = name;
    this.fresh = fresh;
    return this;
  }

  /** The UID of the job whose backbone is the prior (in a cluster): part of the prior's identity. */
  public Stages withPriorJobUid(String uid) {
    this.priorJobUid = uid;
    this.priorIdentity = null;
    return this;
  }

  public Workspace workspace() {
    return ws;
  }

  /** Distinct unreadable files skipped in the splits read so far. */
  private int skippedImages() {
    java.util.Set<String> files = new java.util.HashSet<>();
    if (train != null) {
      files.addAll(train.skippedFiles());
    }
    if (evalData != null) {
      files.addAll(evalData.skippedFiles());
    }
    return files.size();
  }

  /** Sends a report with the count of unreadable images skipped so far (train and test splits). */
  private void report(ProgressReport r) {
    int skipped = skippedImages();
    r.skippedImages = skipped > 0 ? skipped : null;
    progress.report(r);
  }

  /** Every epoch's closing report, from the progress log (the last one per epoch, across restarts). */
  public List<ProgressReport> epochHistory() throws IOException {
    return EpochHistory.read(ws.progressLog());
  }

  @Override
  public void close() {
    manager.close();
  }
}
