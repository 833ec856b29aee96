package io.rela.trainer.progress;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rela.api.contract.ProgressReport;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Serves the run's progress as Prometheus metrics on {@code /metrics}. */
public final class PrometheusSink implements ProgressSink {

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final String job;
  private final Gauge epoch = gauge("rela_epoch", "Training epochs completed.");
  private final Gauge totalEpochs = gauge("rela_epochs_planned", "Training epochs in the run.");
  private final Gauge subsetRatio = gauge("rela_subset_ratio", "Fraction of the dataset drawn this epoch.");
  private final Gauge phase = Gauge.builder().name("rela_phase").help("1 for the training phase in force (ReLA or BYOL), 0 for the other.")
      .labelNames("relajob", "phase").register(registry);
  private final Gauge loss = gauge("rela_loss", "Latest training loss.");
  private final Gauge rho = gauge("rela_rho", "Plateau measure of the Adaptive switch rule.");
  private final Gauge samplesPerSecond = gauge("rela_samples_per_second", "Training throughput in images per second.");
  private final Gauge eta = gauge("rela_eta_seconds", "Estimated seconds until training ends.");
  private final Gauge accuracy = gauge("rela_linear_probe_accuracy", "Linear-probe top-1 accuracy on the test split.");
  private final Counter samples = Counter.builder().name("rela_samples_total").help("Training images processed.")
      .labelNames("relajob").register(registry);
  private final HTTPServer server;
  private long samplesSeen;

  public PrometheusSink(String job, int port) {
    this.job = job;
    try {
      server = HTTPServer.builder().port(port).registry(registry).buildAndStart();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on port " + port, e);
    }
  }

  private Gauge gauge(String name, String help) {
    return Gauge.builder().name(name).help(help).labelNames("relajob").register(registry);
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public synchronized void report(ProgressReport r) {
    set(epoch, r.epoch);
    set(totalEpochs, r.totalEpochs);
    set(subsetRatio, r.subsetRatio);
    set(loss, r.loss);
    set(rho, r.rho);
    set(samplesPerSecond, r.samplesPerSecond);
    set(eta, r.etaSeconds);
    set(accuracy, r.linearProbeAccuracy);
    if (r.phase != null) {
      phase.labelValues(job, "ReLA").set(r.phase == io.rela.api.contract.TrainingPhase.ReLA ? 1 : 0);
      phase.labelValues(job, "BYOL").set(r.phase == io.rela.api.contract.TrainingPhase.BYOL ? 1 : 0);
    }
    if (r.samplesSeen != null && r.samplesSeen > samplesSeen) {
      samples.labelValues(job).inc(r.samplesSeen - samplesSeen);
      samplesSeen = r.samplesSeen;
    }
  }

  private void set(Gauge g, Number v) {
    if (v != null) {
      g.labelValues(job).set(v.doubleValue());
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
