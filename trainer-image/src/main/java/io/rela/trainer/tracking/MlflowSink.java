package io.rela.trainer.tracking;

import io.rela.api.contract.ProgressReport;
import io.rela.api.contract.TrainingPhase;
import io.rela.trainer.checkpoint.RunIdentity;
import io.rela.trainer.progress.Progress;
import io.rela.trainer.progress.ProgressSink;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;

/**
 * Reports a run to MLflow with MLflow's own Java client: one MLflow run per job (kept in the
 * workspace, {@link MlflowRunFile}), the training-relevant spec as parameters, each epoch's
 * metrics at its step, and the final accuracies of the trained and the untrained backbone.
 *
 * <p>Tracking never blocks or fails training: {@link #report} only queues, one background thread
 * writes in order and retries a failed write with backoff, and every report carries the run and
 * the last failure ({@link Progress.Annotator}) so that the job's status says when MLflow cannot
 * be reached. {@link #close} gives the queue a bounded time to drain.
 */
public final class MlflowSink implements ProgressSink, Progress.Annotator {

  /** What the sink is told about the job it reports. */
  public record Target(String trackingUri, String experiment, String token, Path workspace, RunIdentity identity,
      Map<String, String> params, Map<String, String> tags) {}

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final int MAX_QUEUED = 10_000;
  /** MLflow's limit on parameters per log-batch request. */
  private static final int PARAMS_PER_BATCH = 100;

  private final Target target;
  private final MlflowClient client;
  private final PrintStream log;
  private final Duration drainOnClose;
  private final BlockingDeque<Write> queue = new LinkedBlockingDeque<>(MAX_QUEUED);
  private final Thread worker;
  private volatile String runId;
  private volatile String error;
  private volatile boolean closing;
  private boolean priorLogged;
  private boolean finalLogged;
  private boolean imageTagged;
  private int dropped;

  /** One write to the run; applied in order, retried until it succeeds. */
  private interface Write {
    void apply(MlflowClient c, String runId);
  }

  public MlflowSink(Target target, PrintStream log, Duration drainOnClose) {
    this.target = target;
    this.log = log;
    this.drainOnClose = drainOnClose;
    this.client = target.token() == null ? new MlflowClient(target.trackingUri())
        : new MlflowClient(new org.mlflow.tracking.creds.BasicMlflowHostCreds(target.trackingUri(), target.token()));
    MlflowRunFile known = MlflowRunFile.find(target.workspace(), target.trackingUri(), target.experiment(), target.identity());
    this.runId = known == null ? null : known.runId();
    this.worker = new Thread(this::drain, "mlflow-tracking");
    this.worker.setDaemon(true);
    this.worker.start();
    log.println("tracking: MLflow " + target.trackingUri() + ", experiment " + target.experiment()
        + (runId == null ? "" : ", continuing run " + runId));
  }

  @Override
  public void annotate(ProgressReport r) {
    r.mlflowRunId = runId;
    r.trackingError = error;
  }

  @Override
  public void report(ProgressReport r) {
    if (!priorLogged && r.priorCacheKey != null) {
      priorLogged = true;
      String key = r.priorCacheKey;
      enqueue((c, id) -> c.logParam(id, "prior.identity", key));
    }
    if (Boolean.TRUE.equals(r.epochEnd) && r.epoch != null && r.epoch > 0) {
      List<Service.Metric> metrics = epochMetrics(r);
      enqueue((c, id) -> c.logBatch(id, metrics, List.of(), List.of()));
    }
    if (r.modelImage != null && !imageTagged) {
      imageTagged = true;
      String image = r.modelImage;
      enqueue((c, id) -> c.setTag(id, "rela.io/model-image", image));
    }
    if (r.linearProbeAccuracy != null && !finalLogged) {
      finalLogged = true;
      List<Service.Metric> metrics = finalMetrics(r);
      enqueue((c, id) -> {
        c.logBatch(id, metrics, List.of(), List.of());
        c.setTerminated(id, Service.RunStatus.FINISHED, System.currentTimeMillis());
      });
    }
  }

  /** Loss, rho, phase (0 ReLA, 1 BYOL), subset ratio, throughput and online accuracy at the epoch's step. */
  static List<Service.Metric> epochMetrics(ProgressReport r) {
    long now = System.currentTimeMillis();
    long step = r.epoch;
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("loss", r.loss);
    m.put("rho", r.rho);
    m.put("phase", r.phase == null ? null : (r.phase == TrainingPhase.ReLA ? 0.0 : 1.0));
    m.put("subset_ratio", r.subsetRatio);
    m.put("samples_per_second", r.samplesPerSecond);
    m.put("online_accuracy", r.onlineAccuracy);
    m.put("samples_seen", r.samplesSeen == null ? null : r.samplesSeen.doubleValue());
    return metrics(m, now, step);
  }

  /** The linear probe and kNN of the trained and of the untrained backbone, and the run's cost. */
  static List<Service.Metric> finalMetrics(ProgressReport r) {
    long now = System.currentTimeMillis();
    long step = r.totalEpochs == null ? 0 : r.totalEpochs;
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("linear_probe_accuracy", r.linearProbeAccuracy);
    m.put("knn_accuracy", r.knnAccuracy);
    m.put("untrained_linear_probe_accuracy", r.randomBaselineAccuracy);
    m.put("untrained_knn_accuracy", r.randomBaselineKnnAccuracy);
    m.put("full_data_equivalent_epochs", r.fullDataEquivalentEpochs);
    m.put("samples_processed", r.samplesProcessed == null ? null : r.samplesProcessed.doubleValue());
    return metrics(m, now, step);
  }

  private static List<Service.Metric> metrics(Map<String, Double> values, long timestamp, long step) {
    List<Service.Metric> out = new ArrayList<>();
    values.forEach((k, v) -> {
      if (v != null && Double.isFinite(v)) {
        out.add(Service.Metric.newBuilder().setKey(k).setValue(v).setTimestamp(timestamp).setStep(step).build());
      }
    });
    return out;
  }

  private void enqueue(Write w) {
    if (!queue.offerLast(w)) {
      dropped++;
    }
  }

  /**
   * The worker: makes sure the run exists, then applies each write in order. A write leaves the
   * queue only once it succeeded; a failure is recorded and the same write is tried again after a
   * growing pause, unless the sink is closing.
   */
  private void drain() {
    long backoffMs = 1000;
    while (!(closing && queue.isEmpty())) {
      try {
        Write w = queue.peekFirst();
        if (w == null) {
          if (runId == null && !closing) {
            // open the run early: the status can name it before the first epoch ends
            ensureRun();
          }
          Thread.sleep(200);
          continue;
        }
        ensureRun();
        w.apply(client, runId);
        queue.pollFirst();
        error = null;
        backoffMs = 1000;
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        error = "MLflow at " + target.trackingUri() + ": " + io.rela.trainer.FailureText.of(e);
        if (closing) {
          return;
        }
        try {
          Thread.sleep(backoffMs);
        } catch (InterruptedException ie) {
          return;
        }
        backoffMs = Math.min(MAX_BACKOFF.toMillis(), backoffMs * 2);
      }
    }
  }

  /** The job's MLflow run: the workspace's, else a new one in the experiment (made when missing), recorded in the workspace. */
  private void ensureRun() {
    if (runId != null) {
      return;
    }
    // a search, not get-by-name: MLflow's client retries the 404 of a missing experiment as if rate-limited
    String filter = "name = '" + target.experiment().replace("'", "\\'") + "'";
    String experimentId = client.searchExperiments(filter).getItems().stream().findFirst().map(Service.Experiment::getExperimentId)
        .orElseGet(() -> client.createExperiment(target.experiment()));
    Service.CreateRun.Builder create = Service.CreateRun.newBuilder().setExperimentId(experimentId)
        .setRunName(target.identity().job()).setStartTime(System.currentTimeMillis());
    target.tags().forEach((k, v) -> create.addTags(Service.RunTag.newBuilder().setKey(k).setValue(v).build()));
    String id = client.createRun(create.build()).getRunId();
    List<Service.Param> params = new ArrayList<>();
    target.params().forEach((k, v) -> params.add(Service.Param.newBuilder().setKey(k).setValue(v).build()));
    for (int i = 0; i < params.size(); i += PARAMS_PER_BATCH) {
      client.logBatch(id, List.of(), params.subList(i, Math.min(params.size(), i + PARAMS_PER_BATCH)), List.of());
    }
    try {
      new MlflowRunFile(target.trackingUri(), target.experiment(), experimentId, id, target.identity()).write(target.workspace());
    } catch (java.io.IOException e) {
      log.println("tracking: cannot record MLflow run " + id + " in the workspace (" + e.getMessage()
          + "): a restarted pod will start a new run");
    }
    runId = id;
    log.println("tracking: MLflow run " + id + " (experiment " + target.experiment() + ")");
  }

  /** Gives the queue up to the drain time; what is left is named in the log, and training is not held. */
  @Override
  public void close() {
    long deadline = System.nanoTime() + drainOnClose.toNanos();
    while (!queue.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    closing = true;
    try {
      worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) + 2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    worker.interrupt();
    int left = queue.size() + dropped;
    if (left > 0) {
      log.println("tracking: " + left + " MLflow write(s) not sent" + (error == null ? "" : " (" + error + ")"));
    }
    client.close();
  }
}
