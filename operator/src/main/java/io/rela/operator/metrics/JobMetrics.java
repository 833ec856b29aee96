package io.rela.operator.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.rela.api.status.ReLATrainingJobStatus;
import io.rela.api.status.Stage;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-job gauges (epoch, total epochs, subset ratio, phase, loss, samples/s; tags namespace
 * and name) and the number of jobs in each stage. A job's gauges go when the job goes.
 */
public final class JobMetrics {

  private final MeterRegistry registry;
  private final Map<String, JobGauges> jobs = new ConcurrentHashMap<>();
  private final Map<String, Stage> stages = new ConcurrentHashMap<>();
  private final Map<Stage, AtomicLong> stageCounts = new EnumMap<>(Stage.class);
  private final io.micrometer.core.instrument.Timer reconcileTimer;

  public JobMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.reconcileTimer = io.micrometer.core.instrument.Timer.builder("rela.reconcile")
        .description("Time one ReLATrainingJob reconciliation takes")
        .publishPercentiles(0.5, 0.99)
        .register(registry);
    for (Stage s : Stage.values()) {
      AtomicLong n = new AtomicLong();
      stageCounts.put(s, n);
      Gauge.builder("rela.jobs", n, AtomicLong::get).description("ReLATrainingJobs in each stage")
          .tags("stage", s.name()).register(registry);
    }
  }

  /** Values of one job's gauges, updated in place. */
  private static final class JobGauges {
    volatile double epoch = Double.NaN;
    volatile double totalEpochs = Double.NaN;
    volatile double subsetRatio = Double.NaN;
    volatile double phase = Double.NaN;
    volatile double loss = Double.NaN;
    volatile double samplesPerSecond = Double.NaN;
    volatile double accuracy = Double.NaN;
    volatile double failed;
    volatile double suspended;
    final List<Meter> meters = new ArrayList<>();
  }

  public void record(String namespace, String name, ReLATrainingJobStatus status) {
    String key = namespace + "/" + name;
    JobGauges g = jobs.computeIfAbsent(key, k -> register(namespace, name));
    Stage previous = status.stage == null ? null : stages.put(key, status.stage);
    if (status.stage != null && previous != status.stage) {
      if (previous != null) {
        stageCounts.get(previous).decrementAndGet();
      }
      stageCounts.get(status.stage).incrementAndGet();
    }
    g.failed = status.stage == Stage.Failed ? 1 : 0;
    g.suspended = status.stage == Stage.Suspended ? 1 : 0;
    var p = status.progress;
    if (p != null) {
      g.epoch = num(p.epoch);
      g.totalEpochs = num(p.totalEpochs);
      g.subsetRatio = num(p.subsetRatio);
      g.phase = p.phase == null ? Double.NaN : ("BYOL".equals(p.phase) ? 1 : 0);
      g.loss = num(p.loss);
      g.samplesPerSecond = num(p.samplesPerSecond);
    }
    if (status.results != null) {
      g.accuracy = num(status.results.linearProbeAccuracy);
    }
  }

  /** Counts a reconciliation that threw (the job's ReconcileError condition says why). */
  public void reconcileError(String namespace, String name) {
    registry.counter("rela.reconcile.errors", "namespace", namespace, "name", name).increment();
  }

  /** Times one reconciliation. */
  public <T> T timeReconcile(java.util.function.Supplier<T> reconcile) {
    return reconcileTimer.record(reconcile);
  }

  public void remove(String namespace, String name) {
    String key = namespace + "/" + name;
    JobGauges g = jobs.remove(key);
    if (g != null) {
      g.meters.forEach(registry::remove);
    }
    var errors = registry.find("rela.reconcile.errors").tags("namespace", namespace, "name", name).counter();
    if (errors != null) {
      registry.remove(errors);
    }
    Stage s = stages.remove(key);
    if (s != null) {
      stageCounts.get(s).decrementAndGet();
    }
  }

  private JobGauges register(String namespace, String name) {
    JobGauges g = new JobGauges();
    Tags tags = Tags.of("namespace", namespace, "name", name);
    g.meters.add(Gauge.builder("rela.job.epoch", g, x -> x.epoch).description("Epochs completed").tags(tags).register(registry));
    g.meters.add(Gauge.builder("rela.job.epochs.planned", g, x -> x.totalEpochs).description("Epochs in the run").tags(tags).register(registry));
    g.meters.add(Gauge.builder("rela.job.subset.ratio", g, x -> x.subsetRatio).description("Fraction of the data drawn per epoch").tags(tags).register(registry));
    g.meters.add(Gauge.builder("rela.job.phase", g, x -> x.phase).description("Training phase: 0 ReLA, 1 BYOL").tags(tags).register(registry));
    g.meters.add(Gauge.builder("rela.job.loss", g, x -> x.loss).description("Latest training loss").tags(tags).register(registry));
    g.meters.add(Gauge.builder("rela.job.samples.per.second", g, x -> x.samplesPerSecond).description("Training throughput").tags(tags).register(registry));
    g.meters.add(Gauge.builder("rela.job.failed", g, x -> x.failed).description("1 when the job is Failed").tags(tags).register(registry));
    g.meters.add(Gauge.builder("rela.job.suspended", g, x -> x.suspended).description("1 while the job is suspended or queued")
        .tags(tags).register(registry));
    g.meters.add(Gauge.builder("rela.job.linear.probe.accuracy", g, x -> x.accuracy).description("Linear-probe accuracy").tags(tags).register(registry));
    return g;
  }

  private static double num(Number n) {
    return n == null ? Double.NaN : n.doubleValue();
  }
}
