package io.rela.operator;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.rela.api.ReLATrainingJob;
import io.rela.api.contract.ProgressReport;
import io.rela.api.contract.TrainerConfig;
import io.rela.api.spec.PriorType;
import io.rela.api.spec.Schedule;
import io.rela.api.status.PriorStatus;
import io.rela.api.status.ReLATrainingJobStatus;
import io.rela.api.status.Stage;
import io.rela.operator.metrics.JobMetrics;
import io.rela.operator.resources.Labels;
import io.rela.operator.resources.PriorCache;
import io.rela.operator.resources.ProgressConfigMap;
import io.rela.operator.resources.StageJob;
import io.rela.operator.resources.TrainerConfigMap;
import io.rela.operator.resources.WorkspaceClaim;
import io.rela.operator.status.Conditions.Reason;
import io.rela.operator.status.Observation;
import io.rela.operator.status.StageState;
import io.rela.operator.status.StatusAggregator;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns a ReLATrainingJob into its stage Jobs and keeps its status true: observe the owned
 * objects (from informer caches), validate what the spec cannot say alone, act (create the next
 * stage, suspend or resume), record the status through {@link StatusAggregator}.
 */
// every event, deletes included, reaches reconcile: the operator needs no finalizer (owned objects
// go by their owner references), so uninstalling it never leaves a job stuck in deletion; and
// metadata-only changes count (the rela.io/retry annotation), at the price of one no-op
// reconciliation after each status patch
@ControllerConfiguration(name = ReLATrainingJobReconciler.NAME, triggerReconcilerOnAllEvents = true,
    generationAwareEventProcessing = false)
public class ReLATrainingJobReconciler implements Reconciler<ReLATrainingJob> {

  public static final String NAME = "relatrainingjob";
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReLATrainingJobReconciler.class);
  private static final String PRIOR_REF_INDEX = "prior-job-ref";
  private static final String PRIOR_SOURCES = "prior-source-jobs";
  /** Set (or change) this annotation on a Failed job to run its failed stage again. */
  public static final String RETRY_ANNOTATION = "rela.io/retry";

  /** Stage Jobs deleted for a retry, by UID: ignored while the informer may still hold them. */
  private final Map<String, Instant> retired = new java.util.concurrent.ConcurrentHashMap<>();

  private final KubernetesClient client;
  private final OperatorSettings settings;
  private final JobMetrics metrics;
  private final EventRecorder events;
  private final OwnedResources owned;

  public ReLATrainingJobReconciler(KubernetesClient client, OperatorSettings settings, JobMetrics metrics) {
    this.client = client;
    this.settings = settings;
    this.metrics = metrics;
    this.events = new EventRecorder(client);
    this.owned = new OwnedResources(client);
  }

  @Override
  public List<EventSource<?, ReLATrainingJob>> prepareEventSources(EventSourceContext<ReLATrainingJob> ctx) {
    // a Job prior's source job wakes the jobs waiting on it: the primary cache is indexed by
    // the jobRef each job names, and a source job's change maps through that index
    var primaries = ctx.getPrimaryCache();
    primaries.addIndexer(PRIOR_REF_INDEX, j -> j.getSpec() != null && j.getSpec().prior != null
        && j.getSpec().prior.type == PriorType.Job && j.getSpec().prior.jobRef != null
        ? List.of(j.getMetadata().getNamespace() + "/" + j.getSpec().prior.jobRef.name) : List.of());
    InformerEventSource<ReLATrainingJob, ReLATrainingJob> sources = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(ReLATrainingJob.class, ReLATrainingJob.class)
            .withName(PRIOR_SOURCES)
            .withSecondaryToPrimaryMapper(src -> primaries.byIndex(PRIOR_REF_INDEX,
                    src.getMetadata().getNamespace() + "/" + src.getMetadata().getName()).stream()
                .map(ResourceID::fromResource).collect(Collectors.toSet()))
            .build(), ctx);
    return List.of(
        informer(ctx, Job.class, Labels.MANAGED_BY + "=" + Labels.MANAGER),
        informer(ctx, ConfigMap.class, Labels.MANAGED_BY + "=" + Labels.MANAGER),
        informer(ctx, Pod.class, Labels.JOB),
        sources);
  }

  private static <R extends HasMetadata> InformerEventSource<R, ReLATrainingJob> informer(
      EventSourceContext<ReLATrainingJob> ctx, Class<R> type, String selector) {
    SecondaryToPrimaryMapper<R> byLabel = r -> {
      String job = r.getMetadata().getLabels() == null ? null : r.getMetadata().getLabels().get(Labels.JOB);
      return job == null ? Set.of() : Set.of(new ResourceID(job, r.getMetadata().getNamespace()));
    };
    return new InformerEventSource<>(InformerEventSourceConfiguration.from(type, ReLATrainingJob.class)
        .withLabelSelector(selector)
        .withSecondaryToPrimaryMapper(byLabel)
        .build(), ctx);
  }

  @Override
  public UpdateControl<ReLATrainingJob> reconcile(ReLATrainingJob job, Context<ReLATrainingJob> ctx) {
    if (ctx.isPrimaryResourceDeleted()) {
      // the job's own objects go with their owner reference; only its metrics are ours to remove
      metrics.remove(job.getMetadata().getNamespace(), job.getMetadata().getName());
      return UpdateControl.noUpdate();
    }
    return metrics.timeReconcile(() -> reconcileOnce(job, ctx));
  }

  private UpdateControl<ReLATrainingJob> reconcileOnce(ReLATrainingJob job, Context<ReLATrainingJob> ctx) {
    // observe
    Observed seen = observe(job, ctx);
    // validate + act
    Decision d;
    try {
      d = seen.conflict != null ? conflict(job, seen.conflict) : act(job, seen);
    } catch (OwnedResources.NameConflictException e) {
      d = conflict(job, e.kind + " " + e.name);
    }
    // record
    ReLATrainingJobStatus before = job.getStatus();
    ReLATrainingJobStatus after = StatusAggregator.aggregate(before, d.observation, Instant.now().toString());
    if (d.retriedFor != null) {
      after.retriedFor = d.retriedFor;
    }
    metrics.record(job.getMetadata().getNamespace(), job.getMetadata().getName(), after);
    announceStageChange(job, before == null ? null : before.stage, after);
    UpdateControl<ReLATrainingJob> control;
    if (after.equals(before)) {
      control = UpdateControl.noUpdate();
    } else {
      job.setStatus(after);
      control = UpdateControl.patchStatus(job);
    }
    return d.recheckAfter != null ? control.rescheduleAfter(d.recheckAfter) : control;
  }

  @Override
  public io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl<ReLATrainingJob> updateErrorStatus(
      ReLATrainingJob job, Context<ReLATrainingJob> ctx, Exception e) {
    // the status keeps saying what was last true, plus a ReconcileError condition naming the
    // cause; JOSDK retries with backoff and the next good reconciliation drops the condition
    LOG.warn("reconciling {}/{} failed: {}", job.getMetadata().getNamespace(), job.getMetadata().getName(), e.toString());
    metrics.reconcileError(job.getMetadata().getNamespace(), job.getMetadata().getName());
    io.rela.operator.status.ReconcileFailure f = io.rela.operator.status.ReconcileFailure.of(e);
    ReLATrainingJobStatus status = job.getStatus() == null ? new ReLATrainingJobStatus() : job.getStatus();
    List<io.fabric8.kubernetes.api.model.Condition> conditions = new java.util.ArrayList<>(
        status.conditions == null ? List.of() : status.conditions);
    long gen = job.getMetadata().getGeneration() == null ? 0 : job.getMetadata().getGeneration();
    io.rela.operator.status.Conditions.set(conditions, conditions, io.rela.operator.status.Conditions.RECONCILE_ERROR, true,
        f.reason(), f.message(), gen, Instant.now().toString());
    status.conditions = conditions;
    job.setStatus(status);
    return io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl.patchStatus(job);
  }


  /** The owned objects as the informer caches see them; {@code conflict} names one with a derived name this job does not control. */
  record Observed(Map<StageJob.Kind, Job> jobs, Map<StageJob.Kind, List<Pod>> pods, ConfigMap config,
      ProgressReport progress, InformerEventSource<Job, ReLATrainingJob> jobCache, String conflict,
      ReLATrainingJob priorSource, ConfigMap cacheIndex) {}

  /**
   * A Failed job retried by a new value of the {@value #RETRY_ANNOTATION} annotation: the stage
   * Jobs that did not complete are deleted (their checkpoints stay on the workspace claim), the
   * value is recorded in status.retriedFor so it is acted on once, and the next reconciliation
   * creates the stage again, which resumes from its last checkpoint.
   */
  private Decision retry(ReLATrainingJob job, Observed seen, String value, long gen, PriorStatus prior) {
    List<String> deleted = new java.util.ArrayList<>();
    for (Job j : seen.jobs.values()) {
      boolean complete = j.getStatus() != null && j.getStatus().getConditions() != null && j.getStatus().getConditions().stream()
          .anyMatch(c -> "Complete".equals(c.getType()) && "True".equals(c.getStatus()));
      if (!complete) {
        retired.put(j.getMetadata().getUid(), Instant.now());
        client.batch().v1().jobs().inNamespace(j.getMetadata().getNamespace()).withName(j.getMetadata().getName())
            .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();
        deleted.add(j.getMetadata().getName());
      }
    }
    String message = "Retrying (" + RETRY_ANNOTATION + "=" + value + "): " + (deleted.isEmpty() ? "no stage Job to replace"
        : "deleted " + String.join(", ", deleted)) + "; the stage starts again from its last checkpoint on the workspace.";
    events.normal(job, Reason.RETRYING, message);
    return new Decision(new Observation(gen, Stage.Pending, Reason.RETRYING, message, seen.progress, prior), Duration.ofSeconds(2), value);
  }

  /** Nothing is done while another object holds one of the job's names. */
  private Decision conflict(ReLATrainingJob job, String what) {
    long gen = job.getMetadata().getGeneration() == null ? 0 : job.getMetadata().getGeneration();
    Stage stage = job.getStatus() != null && job.getStatus().stage != null ? job.getStatus().stage : Stage.Pending;
    return new Decision(new Observation(gen, stage, Reason.NAME_CONFLICT, what + " already exists and is not controlled by this"
        + " ReLATrainingJob (owner UID " + job.getMetadata().getUid() + "); the operator does not adopt it and waits."
        + " Delete or rename that object, or give the job another name.", null, null), Duration.ofSeconds(10));
  }

  private Observed observe(ReLATrainingJob job, Context<ReLATrainingJob> ctx) {
    retired.values().removeIf(t -> t.isBefore(Instant.now().minus(Duration.ofMinutes(10))));
    Map<StageJob.Kind, Job> jobs = new EnumMap<>(StageJob.Kind.class);
    Map<StageJob.Kind, List<Pod>> pods = new EnumMap<>(StageJob.Kind.class);
    Map<String, StageJob.Kind> byName = new HashMap<>();
    for (StageJob.Kind k : StageJob.Kind.values()) {
      byName.put(StageJob.name(job, k), k);
    }
    String conflict = null;
    Set<String> jobUids = new java.util.HashSet<>();
    for (Job j : ctx.getSecondaryResources(Job.class)) {
      StageJob.Kind k = byName.get(j.getMetadata().getName());
      if (k == null) {
        continue;
      }
      if (retired.containsKey(j.getMetadata().getUid())) {
        continue;
      }
      if (OwnedResources.controlledBy(j, job)) {
        jobs.put(k, j);
        jobUids.add(j.getMetadata().getUid());
      } else {
        // e.g. a Job of an earlier job with this name that the garbage collector has not removed yet
        conflict = "Job " + j.getMetadata().getName();
      }
    }
    Map<String, List<Pod>> podsByStage = ctx.getSecondaryResources(Pod.class).stream()
        .filter(p -> p.getMetadata().getLabels() != null
            && jobUids.contains(p.getMetadata().getLabels().get("batch.kubernetes.io/controller-uid")))
        .collect(Collectors.groupingBy(p -> p.getMetadata().getLabels().getOrDefault(Labels.STAGE, "")));
    for (StageJob.Kind k : StageJob.Kind.values()) {
      pods.put(k, podsByStage.getOrDefault(k.command, List.of()));
    }
    ConfigMap config = null;
    ProgressReport progress = null;
    for (ConfigMap cm : ctx.getSecondaryResources(ConfigMap.class)) {
      if (!OwnedResources.controlledBy(cm, job)) {
        continue;
      }
      if (cm.getMetadata().getName().equals(TrainerConfigMap.name(job))) {
        config = cm;
      } else if (cm.getMetadata().getName().equals(ProgressConfigMap.name(job))) {
        progress = ProgressConfigMap.read(cm).orElse(null);
      }
    }
    @SuppressWarnings("unchecked")
    InformerEventSource<Job, ReLATrainingJob> jobCache =
        (InformerEventSource<Job, ReLATrainingJob>) ctx.eventSourceRetriever().getEventSourceFor(Job.class);
    ReLATrainingJob priorSource = null;
    var spec = job.getSpec();
    if (spec.prior != null && spec.prior.type == PriorType.Job && spec.prior.jobRef != null) {
      @SuppressWarnings("unchecked")
      InformerEventSource<ReLATrainingJob, ReLATrainingJob> sources = (InformerEventSource<ReLATrainingJob, ReLATrainingJob>)
          ctx.eventSourceRetriever().getEventSourceFor(ReLATrainingJob.class, PRIOR_SOURCES);
      priorSource = sources.get(new ResourceID(spec.prior.jobRef.name, job.getMetadata().getNamespace())).orElse(null);
    }
    @SuppressWarnings("unchecked")
    InformerEventSource<ConfigMap, ReLATrainingJob> configMaps =
        (InformerEventSource<ConfigMap, ReLATrainingJob>) ctx.eventSourceRetriever().getEventSourceFor(ConfigMap.class);
    ConfigMap cacheIndex = configMaps.get(new ResourceID(PriorCache.INDEX_CONFIG_MAP, job.getMetadata().getNamespace())).orElse(null);
    return new Observed(jobs, pods, config, progress, jobCache, conflict, priorSource, cacheIndex);
  }

  /**
   * What to write, when to look again without a change (null: only on a change), and the
   * retry annotation value acted on (null: none this time).
   */
  private record Decision(Observation observation, Duration recheckAfter, String retriedFor) {

    Decision(Observation observation) {
      this(observation, null, null);
    }

    Decision(Observation observation, Duration recheckAfter) {
      this(observation, recheckAfter, null);
    }
  }

  private Decision act(ReLATrainingJob job, Observed seen) {
    long gen = job.getMetadata().getGeneration() == null ? 0 : job.getMetadata().getGeneration();
    ReLATrainingJobStatus status = job.getStatus();
    PriorStatus prior = priorStatus(job, seen);
    if (status != null && status.stage != null && status.stage.isFinal()) {
      String retry = job.getMetadata().getAnnotations() == null ? null : job.getMetadata().getAnnotations().get(RETRY_ANNOTATION);
      if (status.stage == Stage.Failed && retry != null && !retry.equals(status.retriedFor)) {
        return retry(job, seen, retry, gen, prior);
      }
      return new Decision(new Observation(gen, status.stage, reasonOf(status), messageOf(status), seen.progress, prior));
    }
    // validate: a Job prior needs its source job finished
    String priorClaim = null;
    String priorCheckpoint = null;
    String priorJobUid = null;
    if (job.getSpec().prior != null && job.getSpec().prior.type == PriorType.Job) {
      String ref = job.getSpec().prior.jobRef.name;
      ReLATrainingJob source = seen.priorSource;
      if (source == null || source.getStatus() == null || source.getStatus().stage != Stage.Succeeded
          || source.getStatus().results == null || source.getStatus().results.checkpoint == null) {
        return new Decision(new Observation(gen, Stage.Pending, Reason.PRIOR_JOB_NOT_READY,
            "Waiting for ReLATrainingJob " + ref + " to succeed: its trained backbone is this job's prior.", seen.progress, prior));
      }
      priorClaim = WorkspaceClaim.name(source);
      priorJobUid = source.getMetadata().getUid();
      priorCheckpoint = source.getStatus().results.checkpoint.replaceFirst("^" + TrainerConfigMap.WORKSPACE_MOUNT, TrainerConfigMap.PRIOR_JOB_MOUNT);
    }
    String cacheKey = PriorCache.shared(job) ? PriorCache.key(job) : null;
    TrainerConfig config = TrainerConfigMap.render(job, priorCheckpoint, priorJobUid, settings.trainerMetricsPort());
    refuseSpecChangeWhileRunning(job, seen, gen);

    Instant now = Instant.now();
    Duration grace = job.getSpec().imagePullGracePeriodSeconds == null ? StageState.DEFAULT_START_GRACE
        : Duration.ofSeconds(job.getSpec().imagePullGracePeriodSeconds);
    StageState embed = StageState.of(seen.jobs.get(StageJob.Kind.EMBED), seen.pods.get(StageJob.Kind.EMBED), now, grace);
    StageState train = StageState.of(seen.jobs.get(StageJob.Kind.TRAIN), seen.pods.get(StageJob.Kind.TRAIN), now, grace);
    StageState eval = StageState.of(seen.jobs.get(StageJob.Kind.EVAL), seen.pods.get(StageJob.Kind.EVAL), now, grace);
    // a later stage's Job means the earlier stages are done, even once ttlSecondsAfterFinished
    // has removed their Jobs; and the cache index is only consulted before training starts
    boolean trainStarted = !train.is(StageState.Phase.ABSENT) || !eval.is(StageState.Phase.ABSENT);
    // plain BYOL (schedule None) never uses the prior's targets: no embedding stage at all
    Schedule schedule = job.getSpec().rela.schedule;
    boolean usesTargets = schedule == null || schedule.usesPriorTargets();
    boolean cacheHit = usesTargets && cacheKey != null && embed.is(StageState.Phase.ABSENT) && !trainStarted
        && cacheHolds(seen.cacheIndex, cacheKey);
    if (usesTargets && !cacheHit && !trainStarted && !embed.is(StageState.Phase.SUCCEEDED)) {
      return stage(job, seen, StageJob.Kind.EMBED, embed, config, priorClaim, gen, prior, Stage.Embedding, Reason.EMBEDDING,
          "Embedding the dataset with the prior (" + shards(job) + " pod(s)).");
    }
    if (embed.is(StageState.Phase.SUCCEEDED) && cacheKey != null && !trainStarted) {
      recordCacheEntry(job, cacheKey);
    }
    if (!train.is(StageState.Phase.SUCCEEDED) && eval.is(StageState.Phase.ABSENT)) {
      if (cacheHit) {
        events.normal(job, Reason.PRIOR_CACHE_HIT, "Prior embedding " + cacheKey + " is already in the cache; skipping the embedding stage.");
      }
      return stage(job, seen, StageJob.Kind.TRAIN, train, config, priorClaim, gen, prior, Stage.Training, Reason.TRAINING,
          "Training with ReLA then BYOL; progress in status.progress.");
    }
    if (!eval.is(StageState.Phase.SUCCEEDED)) {
      return stage(job, seen, StageJob.Kind.EVAL, eval, config, priorClaim, gen, prior, Stage.Evaluating, Reason.EVALUATING,
          "Evaluating the trained backbone with a linear probe.");
    }
    return new Decision(new Observation(gen, Stage.Succeeded, Reason.SUCCEEDED, "The run finished and was evaluated.", seen.progress, prior));
  }

  /** Drives one stage's Job: create it, follow suspend, or report its failure. */
  private Decision stage(ReLATrainingJob job, Observed seen, StageJob.Kind kind, StageState state, TrainerConfig config,
      String priorClaim, long gen, PriorStatus prior, Stage running, String reason, String message) {
    boolean suspend = Boolean.TRUE.equals(job.getSpec().suspend);
    switch (state.phase()) {
      case FAILED:
        stopIfRunning(job, kind, seen.jobs.get(kind), state, seen.pods.get(kind));
        return new Decision(new Observation(gen, Stage.Failed, state.reason(), state.message(), seen.progress, prior));
      case STALLED:
        if (!suspend) {
          return new Decision(new Observation(gen, running, state.reason(), state.message(), seen.progress, prior), state.recheckIn());
        }
        setSuspend(job, kind, true);
        break;
      case ABSENT:
        boolean trainingStarted = seen.jobs.containsKey(StageJob.Kind.TRAIN) || seen.jobs.containsKey(StageJob.Kind.EVAL);
        owned.ensure(job, config, seen.config, trainingStarted);
        Job created = owned.createOwned(job, StageJob.desired(job, kind, settings, priorClaim));
        if (created != null) {
          // tell the informer cache at once, so reconciliations triggered before its watch
          // event arrives see the Job and create nothing again
          seen.jobCache.handleRecentResourceCreate(ResourceID.fromResource(created), created);
        }
        break;
      case SUSPENDED:
        if (!suspend && !Labels.queuedByKueue(job)) {
          setSuspend(job, kind, false);
          events.normal(job, "Resumed", StageJob.name(job, kind) + " resumed; training continues from its last checkpoint.");
          return new Decision(new Observation(gen, running, reason, message, seen.progress, prior));
        }
        break;
      case ACTIVE:
        if (suspend) {
          setSuspend(job, kind, true);
        }
        break;
      default:
        break;
    }
    if (suspend) {
      return new Decision(new Observation(gen, Stage.Suspended, Reason.SUSPENDED_BY_USER,
          "spec.suspend is true: " + StageJob.name(job, kind) + " is suspended; set it to false to resume from the last checkpoint.",
          seen.progress, prior));
    }
    if (Labels.queuedByKueue(job) && (state.is(StageState.Phase.SUSPENDED) || state.is(StageState.Phase.ABSENT))) {
      return new Decision(new Observation(gen, Stage.Suspended, Reason.QUEUED,
          StageJob.name(job, kind) + " waits for Kueue to admit it (queue " + job.getMetadata().getLabels().get(Labels.KUEUE_QUEUE) + ").",
          seen.progress, prior));
    }
    return new Decision(new Observation(gen, running, reason, message, seen.progress, prior));
  }

  /**
   * A stage the operator failed while its Job still runs. An OOM-killed pod: no more retries
   * (backoffLimit down to the failures already seen), so the Job fails by itself and keeps the
   * pod and its logs. An image that never came: the Job is suspended, which deletes its pods so
   * they free their GPUs, and is kept to describe.
   */
  private void stopIfRunning(ReLATrainingJob job, StageJob.Kind kind, Job stageJob, StageState state, List<Pod> pods) {
    boolean finished = stageJob.getStatus() != null && stageJob.getStatus().getConditions() != null
        && stageJob.getStatus().getConditions().stream()
        .anyMatch(c -> "True".equals(c.getStatus()) && ("Failed".equals(c.getType()) || "Complete".equals(c.getType())));
    if (finished || Boolean.TRUE.equals(stageJob.getSpec().getSuspend())) {
      return;
    }
    if (Reason.OOM_KILLED.equals(state.reason())) {
      int failedPods = (int) pods.stream().filter(p -> p.getStatus() != null && "Failed".equals(p.getStatus().getPhase())).count();
      int limit = Math.max(0, failedPods - 1);
      if (stageJob.getSpec().getBackoffLimit() == null || stageJob.getSpec().getBackoffLimit() > limit) {
        client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).withName(StageJob.name(job, kind))
            .edit(j -> {
              j.getSpec().setBackoffLimit(limit);
              return j;
            });
      }
      return;
    }
    setSuspend(job, kind, true);
  }

  private void setSuspend(ReLATrainingJob job, StageJob.Kind kind, boolean suspend) {
    client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).withName(StageJob.name(job, kind))
        .edit(j -> {
          j.getSpec().setSuspend(suspend);
          return j;
        });
  }

  /** Spec changes after training began would silently restart from zero: refuse them, loudly. */
  private void refuseSpecChangeWhileRunning(ReLATrainingJob job, Observed seen, long gen) {
    if (seen.config == null || seen.jobs.get(StageJob.Kind.TRAIN) == null) {
      return;
    }
    String running = seen.config.getMetadata().getAnnotations() == null ? null
        : seen.config.getMetadata().getAnnotations().get(TrainerConfigMap.SPEC_HASH);
    boolean changed = running != null && !running.equals(TrainerConfigMap.specHash(job.getSpec()));
    boolean newGeneration = job.getStatus() == null || job.getStatus().observedGeneration == null
        || job.getStatus().observedGeneration != gen;
    if (changed && newGeneration) {
      events.warning(job, Reason.SPEC_CHANGE_REFUSED, "The spec changed while training runs; the run keeps the spec it started"
          + " with (only spec.suspend applies). Delete and re-create the job to train with the new spec.");
    }
  }

  /** Whether the prior cache index (read from the ConfigMap informer) lists {@code key}. */
  private static boolean cacheHolds(ConfigMap index, String key) {
    return index != null && index.getData() != null && index.getData().containsKey(key);
  }

  private void recordCacheEntry(ReLATrainingJob job, String key) {
    var cms = client.configMaps().inNamespace(job.getMetadata().getNamespace());
    ConfigMap index = cms.withName(PriorCache.INDEX_CONFIG_MAP).get();
    if (index != null && index.getData() != null && index.getData().containsKey(key)) {
      return;
    }
    String entry = job.getMetadata().getName() + " " + job.getSpec().prior.cacheClaimName;
    if (index == null) {
      owned.createIfAbsent(new ConfigMapBuilder().withNewMetadata().withName(PriorCache.INDEX_CONFIG_MAP)
          .withNamespace(job.getMetadata().getNamespace()).addToLabels(Labels.MANAGED_BY, Labels.MANAGER).endMetadata()
          .addToData(key, entry).build());
    } else {
      cms.withName(PriorCache.INDEX_CONFIG_MAP).edit(cm -> new ConfigMapBuilder(cm).addToData(key, entry).build());
    }
  }

  private PriorStatus priorStatus(ReLATrainingJob job, Observed seen) {
    ProgressReport r = seen.progress;
    PriorStatus p = new PriorStatus();
    p.cacheKey = r != null && r.priorCacheKey != null ? r.priorCacheKey : (PriorCache.shared(job) ? PriorCache.key(job) : null);
    if (r != null) {
      p.dimension = r.priorDimension;
      p.samples = r.priorSamples;
    }
    p.reused = PriorCache.shared(job) ? seen.jobs.get(StageJob.Kind.EMBED) == null && seen.jobs.get(StageJob.Kind.TRAIN) != null : null;
    return p.cacheKey == null && p.dimension == null ? null : p;
  }

  private static int shards(ReLATrainingJob job) {
    return job.getSpec().prior == null || job.getSpec().prior.shards == null ? 1 : job.getSpec().prior.shards;
  }

  private static String reasonOf(ReLATrainingJobStatus s) {
    return s.conditions.stream().filter(c -> "Progressing".equals(c.getType())).map(c -> c.getReason()).findFirst().orElse(Reason.SUCCEEDED);
  }

  private static String messageOf(ReLATrainingJobStatus s) {
    return s.conditions.stream().filter(c -> "Progressing".equals(c.getType())).map(c -> c.getMessage()).findFirst().orElse("");
  }

  private void announceStageChange(ReLATrainingJob job, Stage before, ReLATrainingJobStatus after) {
    if (after.stage == before) {
      return;
    }
    String msg = after.conditions.stream().filter(c -> "Progressing".equals(c.getType()) || "Failed".equals(c.getType()) && "True".equals(c.getStatus()))
        .reduce((a, b) -> b).map(c -> c.getMessage()).orElse("");
    if (after.stage == Stage.Failed) {
      events.warning(job, "Failed", msg);
    } else {
      events.normal(job, after.stage.name(), (before == null ? "" : before + " -> ") + after.stage + ": " + msg);
    }
  }
}
