package io.rela.operator;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.rela.api.ReLATrainingJob;
import io.rela.api.status.ReLATrainingJobStatus;
import io.rela.operator.metrics.JobMetrics;
import io.rela.operator.plan.Plan;
import io.rela.operator.plan.StagePlanner;
import io.rela.operator.resources.OperatorSettings;
import io.rela.operator.status.Conditions;
import io.rela.operator.status.ReconcileFailure;
import io.rela.operator.status.StatusAggregator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a ReLATrainingJob into its stage Jobs and keeps its status true, in four steps:
 * observe (informer caches, {@link Observer}), plan (the pure {@link StagePlanner}), apply
 * ({@link PlanApplier}), record (the status through {@link StatusAggregator}, patched only on
 * change, then the plan's Events, so a failed patch never sends them twice).
 */
// every event, deletes included, reaches reconcile: the operator needs no finalizer (owned objects
// go by their owner references), so uninstalling it never leaves a job stuck in deletion; and
// metadata-only changes count (the rela.io/retry annotation), at the price of one no-op
// reconciliation after each status patch
@ControllerConfiguration(name = ReLATrainingJobReconciler.NAME, triggerReconcilerOnAllEvents = true,
    generationAwareEventProcessing = false,
    informer = @io.javaoperatorsdk.operator.api.config.informer.Informer(itemStore = PrimaryStore.class))
// a failed reconciliation (an overloaded or unreachable API server) is retried for as long as it
// fails, backing off to once a minute: JOSDK's default gives up after five tries, which would
// leave a job unserved until something else about it changes
@io.javaoperatorsdk.operator.processing.retry.GradualRetry(maxAttempts = Integer.MAX_VALUE, initialInterval = 2000,
    intervalMultiplier = 2, maxInterval = 60_000)
public class ReLATrainingJobReconciler implements Reconciler<ReLATrainingJob> {

  public static final String NAME = "relatrainingjob";
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReLATrainingJobReconciler.class);

  private final JobMetrics metrics;
  private final EventRecorder events;
  private final StagePlanner planner;
  private final PlanApplier applier;
  /** Stage Jobs deleted for a retry, by UID: ignored while the informer may still hold them. */
  private final Map<String, Instant> retired = new ConcurrentHashMap<>();
  /** Wakes the jobs whose prior is a job that just changed stage or went away. */
  private final io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource<ReLATrainingJob> wake =
      new io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource<>("prior-dependents");

  public ReLATrainingJobReconciler(io.fabric8.kubernetes.client.KubernetesClient client, OperatorSettings settings, JobMetrics metrics) {
    this.metrics = metrics;
    this.events = new EventRecorder(client);
    this.planner = new StagePlanner(settings);
    this.applier = new PlanApplier(client);
  }

  @Override
  public List<EventSource<?, ReLATrainingJob>> prepareEventSources(EventSourceContext<ReLATrainingJob> ctx) {
    return Observer.eventSources(ctx, wake);
  }

  @Override
  public UpdateControl<ReLATrainingJob> reconcile(ReLATrainingJob job, Context<ReLATrainingJob> ctx) {
    if (ctx.isPrimaryResourceDeleted()) {
      // the job's own objects go with their owner reference; only its metrics are ours to remove
      metrics.remove(job.getMetadata().getNamespace(), job.getMetadata().getName());
      Observer.dependents(ctx, job).forEach(wake::propagateEvent);
      return UpdateControl.noUpdate();
    }
    return metrics.timeReconcile(() -> reconcileOnce(job, ctx));
  }

  private UpdateControl<ReLATrainingJob> reconcileOnce(ReLATrainingJob job, Context<ReLATrainingJob> ctx) {
    var seen = Observer.observe(job, ctx, retired, Instant.now());
    Plan plan = planner.plan(seen);
    try {
      applier.apply(seen, plan.actions(), Observer.jobCache(ctx), retired);
    } catch (OwnedResources.NameConflictException e) {
      plan = planner.conflict(job, e.kind + " " + e.name);
    }
    ReLATrainingJobStatus before = job.getStatus();
    ReLATrainingJobStatus after = StatusAggregator.aggregate(before, plan.observation(), Instant.now().toString());
    metrics.record(job.getMetadata().getNamespace(), job.getMetadata().getName(), after);
    if (!after.equals(before)) {
      ReLATrainingJob patch = new ReLATrainingJob();
      patch.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
          .withName(job.getMetadata().getName()).withNamespace(job.getMetadata().getNamespace()).build());
      patch.setStatus(after);
      io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(job, patch, ctx);
    }
    // Events only once the status they describe is written
    for (Plan.Event e : plan.events()) {
      events.emit(job, e.warning(), e.reason(), e.message());
    }
    StatusAggregator.StageChange change = StatusAggregator.stageChange(before == null ? null : before.stage, after);
    if (change != null) {
      events.emit(job, change.warning(), change.reason(), change.message());
      Observer.dependents(ctx, job).forEach(wake::propagateEvent);
    }
    UpdateControl<ReLATrainingJob> control = UpdateControl.noUpdate();
    return plan.recheckAfter() != null ? control.rescheduleAfter(plan.recheckAfter()) : control;
  }

  @Override
  public ErrorStatusUpdateControl<ReLATrainingJob> updateErrorStatus(ReLATrainingJob job, Context<ReLATrainingJob> ctx, Exception e) {
    // the status keeps saying what was last true, plus a ReconcileError condition naming the
    // cause; JOSDK retries with backoff and the next good reconciliation drops the condition
    LOG.warn("reconciling {}/{} failed: {}", job.getMetadata().getNamespace(), job.getMetadata().getName(), e.toString());
    metrics.reconcileError(job.getMetadata().getNamespace(), job.getMetadata().getName());
    ReconcileFailure f = ReconcileFailure.of(e);
    ReLATrainingJobStatus status = job.getStatus() == null ? new ReLATrainingJobStatus() : job.getStatus();
    List<io.fabric8.kubernetes.api.model.Condition> conditions = new ArrayList<>(status.conditions == null ? List.of() : status.conditions);
    long gen = job.getMetadata().getGeneration() == null ? 0 : job.getMetadata().getGeneration();
    Conditions.set(conditions, conditions, Conditions.RECONCILE_ERROR, true, f.reason(), f.message(), gen, Instant.now().toString());
    status.conditions = conditions;
    job.setStatus(status);
    return ErrorStatusUpdateControl.patchStatus(job);
  }
}
