package io.rela.operator.plan;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.rela.api.ReLATrainingJob;
import io.rela.api.contract.Mounts;
import io.rela.api.contract.ProgressReport;
import io.rela.api.contract.TrainerConfig;
import io.rela.api.spec.PriorType;
import io.rela.api.spec.Schedule;
import io.rela.api.status.PriorStatus;
import io.rela.api.status.ReLATrainingJobStatus;
import io.rela.api.status.Stage;
import io.rela.operator.resources.Labels;
import io.rela.operator.resources.OperatorSettings;
import io.rela.operator.resources.PriorCache;
import io.rela.operator.resources.StageJob;
import io.rela.operator.resources.TrainerConfigMap;
import io.rela.operator.resources.WorkspaceClaim;
import io.rela.operator.status.Conditions.Reason;
import io.rela.operator.status.Observation;
import io.rela.operator.status.StageState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The operator's decisions, as a pure function of what was observed: which stage the job is
 * in, which objects to create, suspend, resume, limit or delete, which Events to send, what
 * the status says and when to look again. No I/O: the reconciler observes and applies.
 */
public final class StagePlanner {

  /** Set (or change) this annotation on a Failed job to run its failed stage again. */
  public static final String RETRY_ANNOTATION = "rela.io/retry";
  /** How soon to look again while another object holds one of the job's names. */
  static final Duration CONFLICT_RECHECK = Duration.ofSeconds(10);
  /** How soon to look again after a retry deleted the failed stage's Jobs. */
  static final Duration RETRY_RECHECK = Duration.ofSeconds(2);
  /** How soon a job waiting for a Secret's label looks again. */
  static final Duration SECRET_RECHECK = Duration.ofSeconds(30);

  private final OperatorSettings settings;

  public StagePlanner(OperatorSettings settings) {
    this.settings = settings;
  }

  /**
   * One plan being drafted: its actions and Events, and what every status observation of this
   * reconciliation carries (generation, progress, prior), so a decision reads as one line.
   */
  private static final class Draft {
    final long gen;
    final ProgressReport progress;
    final PriorStatus prior;
    final List<Action> actions = new ArrayList<>();
    final List<Plan.Event> events = new ArrayList<>();
    private Duration recheck;
    private String retriedFor;

    Draft(long gen, ProgressReport progress, PriorStatus prior) {
      this.gen = gen;
      this.progress = progress;
      this.prior = prior;
    }

    Draft event(boolean warning, String reason, String message) {
      events.add(new Plan.Event(warning, reason, message));
      return this;
    }

    /** Look again after {@code d} even without a change. */
    Draft recheckAfter(Duration d) {
      recheck = d;
      return this;
    }

    /** The rela.io/retry value this plan acts on. */
    Draft retried(String value) {
      retriedFor = value;
      return this;
    }

    /** The plan, with the job in {@code stage} for {@code reason}. */
    Plan in(Stage stage, String reason, String message) {
      return new Plan(List.copyOf(actions), List.copyOf(events),
          new Observation(gen, stage, reason, message, progress, prior, retriedFor), recheck);
    }
  }

  public Plan plan(Observed seen) {
    ReLATrainingJob job = seen.job();
    if (seen.conflict() != null) {
      return conflict(job, seen.conflict());
    }
    long gen = generation(job);
    if (job.getSpec() == null || job.getSpec().unreadable != null || job.getSpec().dataset == null) {
      // stored under an older or hand-edited CRD: this job alone is refused, the rest go on
      String why = job.getSpec() != null && job.getSpec().unreadable != null ? job.getSpec().unreadable
          : "spec.dataset: cannot be read by this operator version";
      return new Draft(gen, seen.progress(), null).in(Stage.Failed, Reason.INVALID_SPEC, why + ". Edit the field to a value the"
          + " CRD allows (kubectl explain relatrainingjob.spec); the edit applies at once.");
    }
    Draft d = new Draft(gen, seen.progress(), priorStatus(job, seen));
    ReLATrainingJobStatus status = job.getStatus();
    // a job refused for an unreadable spec starts over once an edit made it readable
    boolean refusedSpec = status != null && status.stage == Stage.Failed && Reason.INVALID_SPEC.equals(reasonOf(status));
    if (status != null && status.stage != null && status.stage.isFinal() && !refusedSpec) {
      String retry = job.getMetadata().getAnnotations() == null ? null : job.getMetadata().getAnnotations().get(RETRY_ANNOTATION);
      if (status.stage == Stage.Failed && retry != null && !retry.equals(status.retriedFor)) {
        return retry(d, seen, retry);
      }
      return d.in(status.stage, reasonOf(status), messageOf(status));
    }
    Duration grace = job.getSpec().imagePullGracePeriodSeconds == null ? StageState.DEFAULT_START_GRACE
        : Duration.ofSeconds(job.getSpec().imagePullGracePeriodSeconds);
    JobStages stages = JobStages.of(seen, grace);
    // a Job prior needs its source job finished (its changes wake this job through an index)
    String priorClaim = null;
    String priorCheckpoint = null;
    String priorJobUid = null;
    if (job.getSpec().prior != null && job.getSpec().prior.type == PriorType.Job) {
      String ref = job.getSpec().prior.jobRef.name;
      ReLATrainingJob source = seen.priorSource();
      boolean ready = source != null && source.getStatus() != null && source.getStatus().stage == Stage.Succeeded
          && source.getStatus().results != null && source.getStatus().results.checkpoint != null;
      if (ready) {
        priorClaim = WorkspaceClaim.name(source);
        priorJobUid = source.getMetadata().getUid();
        priorCheckpoint = source.getStatus().results.checkpoint
            .replaceFirst("^" + Mounts.WORKSPACE, Mounts.PRIOR_JOB);
      } else if (!stages.trainingStarted()) {
        // once training runs its targets are built: a source deleted then no longer stops this job
        return d.in(Stage.Pending, source == null ? Reason.PRIOR_JOB_NOT_FOUND : Reason.PRIOR_JOB_NOT_READY, source == null
            ? "ReLATrainingJob " + ref + ", whose trained backbone is this job's prior (spec.prior.jobRef), does not exist in"
                + " this namespace: create it, or change spec.prior; this job starts when it succeeds."
            : "Waiting for ReLATrainingJob " + ref + " to succeed (it is " + (source.getStatus() == null
                || source.getStatus().stage == null ? "Pending" : source.getStatus().stage) + "): its trained backbone is"
                + " this job's prior.");
      }
    }
    String indexKey = PriorCache.shared(job) ? PriorCache.indexKey(job) : null;
    TrainerConfig config = TrainerConfigMap.render(job, priorCheckpoint, priorJobUid, settings.trainerMetricsPort());
    TrainerConfigMap.SpecDigest digest = new TrainerConfigMap.SpecDigest(job.getSpec());
    refuseSpecChangeWhileRunning(d, job, seen, digest);

    // plain BYOL (schedule None) never uses the prior's targets: no embedding stage at all
    Schedule schedule = job.getSpec().rela.schedule;
    boolean usesTargets = schedule == null || schedule.usesPriorTargets();
    boolean cacheHit = usesTargets && indexKey != null && stages.embed().is(StageState.Phase.ABSENT)
        && !stages.trainingStarted() && cacheHolds(seen, indexKey);
    Context ctx = new Context(seen, stages, config, priorClaim, digest);
    if (usesTargets && !cacheHit && !stages.trainingStarted() && !stages.embed().is(StageState.Phase.SUCCEEDED)) {
      return stage(d, ctx, StageJob.Kind.EMBED, stages.embed(), Stage.Embedding, Reason.EMBEDDING,
          "Embedding the dataset with the prior (" + shards(job) + " pod(s)).");
    }
    if (stages.embed().is(StageState.Phase.SUCCEEDED) && indexKey != null && !stages.trainingStarted()
        && !cacheHolds(seen, indexKey)) {
      d.actions.add(new Action.RecordCacheEntry(indexKey, job.getMetadata().getName() + " " + job.getSpec().prior.cacheClaimName));
    }
    if (!stages.train().is(StageState.Phase.SUCCEEDED) && stages.eval().is(StageState.Phase.ABSENT)) {
      if (cacheHit) {
        d.event(false, Reason.PRIOR_CACHE_HIT, "Prior embedding " + indexKey + " is already in the cache; skipping the"
            + " embedding stage.");
      }
      return stage(d, ctx, StageJob.Kind.TRAIN, stages.train(), Stage.Training, Reason.TRAINING,
          "Training with ReLA then BYOL; progress in status.progress.");
    }
    if (!stages.eval().is(StageState.Phase.SUCCEEDED)) {
      return stage(d, ctx, StageJob.Kind.EVAL, stages.eval(), Stage.Evaluating, Reason.EVALUATING,
          "Evaluating the trained backbone with a linear probe.");
    }
    return d.in(Stage.Succeeded, Reason.SUCCEEDED, "The run finished and was evaluated.");
  }

  /** What every stage decision needs besides the stage's own state. */
  private record Context(Observed seen, JobStages stages, TrainerConfig config, String priorClaim, TrainerConfigMap.SpecDigest digest) {}

  /** Drives one stage's Job: create it, follow suspend and Kueue, report what stops it. */
  private Plan stage(Draft d, Context c, StageJob.Kind kind, StageState state, Stage running, String reason, String message) {
    ReLATrainingJob job = c.seen().job();
    boolean suspend = Boolean.TRUE.equals(job.getSpec().suspend);
    boolean kueue = Labels.queuedByKueue(job);
    Job existing = c.seen().jobs().get(kind);
    if (kueue && suspend && !state.is(StageState.Phase.FAILED)) {
      return suspendQueued(d, kind, existing);
    }
    if (existing != null && !state.is(StageState.Phase.FAILED) && !state.is(StageState.Phase.SUCCEEDED)
        && StageJob.madeFromAnotherSpec(existing, c.digest())) {
      if (JobStages.neverRan(existing, c.seen().pods(kind), kind, c.seen().progress())) {
        // pending, unschedulable, pulling or queued: nothing ran, so the edit applies at once
        String name = existing.getMetadata().getName();
        d.actions.add(new Action.DeleteStageJob(name, existing.getMetadata().getUid()));
        String applied = "Generation " + d.gen + " applied: Job " + name + " had not started a pod, so it is re-created"
            + " from the edited spec.";
        return d.event(false, Reason.SPEC_APPLIED, applied).recheckAfter(RETRY_RECHECK).in(running, Reason.SPEC_APPLIED, applied);
      }
      message = message + " " + waitingEdit(existing, kind, d.gen);
    }
    switch (state.phase()) {
      case FAILED:
        stopIfRunning(d, kind, existing, state, c.seen().pods(kind), kueue);
        return d.in(Stage.Failed, state.reason(), state.message());
      case STALLED:
        if (!suspend) {
          return d.recheckAfter(state.recheckIn()).in(running, state.reason(), state.message());
        }
        d.actions.add(new Action.SetSuspend(kind, true));
        break;
      case ABSENT:
        String refused = ClaimAccess.refusal(job, c.seen().claimAccess());
        if (refused != null) {
          // checked before any pod could mount the claim; the claim's label change wakes the job
          return d.in(Stage.Pending, Reason.CLAIM_NOT_ALLOWED, refused);
        }
        String secretRefused = kind == StageJob.Kind.EMBED ? null : SecretAccess.refusal(job, c.seen().secretAccess());
        if (secretRefused != null) {
          // no informer on Secrets (the operator may only get them): looked at again after a while
          return d.recheckAfter(SECRET_RECHECK).in(Stage.Pending, Reason.SECRET_NOT_ALLOWED, secretRefused);
        }
        // the config is frozen from the first training pod on: a refused spec change never reaches a pod
        d.actions.add(new Action.EnsureSupporting(c.config(), c.stages().trainingStarted(), c.digest().get()));
        d.actions.add(new Action.CreateStageJob(kind, StageJob.desired(job, kind, settings, c.priorClaim(), c.digest().get())));
        break;
      case SUSPENDED:
        if (!suspend && !kueue) {
          d.actions.add(new Action.SetSuspend(kind, false));
          return d.event(false, "Resumed", StageJob.name(job, kind) + " resumed; training continues from its last checkpoint.")
              .in(running, reason, message);
        }
        break;
      case ACTIVE:
        if (suspend) {
          d.actions.add(new Action.SetSuspend(kind, true));
        }
        break;
      default:
        break;
    }
    if (suspend) {
      return d.in(Stage.Suspended, Reason.SUSPENDED_BY_USER, "spec.suspend is true: " + StageJob.name(job, kind)
          + " is suspended; set it to false to resume from the last checkpoint.");
    }
    if (kueue && (state.is(StageState.Phase.SUSPENDED) || state.is(StageState.Phase.ABSENT))) {
      return d.in(Stage.Suspended, Reason.QUEUED, StageJob.name(job, kind) + " waits for Kueue to admit it (LocalQueue "
          + job.getSpec().queue.name + (job.getSpec().queue.priorityClass == null ? "" : ", priority "
          + job.getSpec().queue.priorityClass) + "); a stage Kueue preempted resumes from its last checkpoint when admitted"
          + " again.");
    }
    return d.in(running, reason, message);
  }

  /**
   * spec.suspend of a job Kueue queues. Kueue starts every Job it admitted, suspended or not, so
   * the stage Job is deleted instead (its quota goes back to the queue) and made again, queued,
   * when spec.suspend is false; training resumes from its last checkpoint either way.
   */
  private static Plan suspendQueued(Draft d, StageJob.Kind kind, Job existing) {
    boolean done = existing != null && (hasCondition(existing, "Complete") || hasCondition(existing, "Failed"));
    if (existing != null && !done && existing.getMetadata().getDeletionTimestamp() == null) {
      d.actions.add(new Action.DeleteStageJob(existing.getMetadata().getName(), existing.getMetadata().getUid()));
      d.event(false, Reason.SUSPENDED_BY_USER, "Job " + existing.getMetadata().getName()
          + " deleted: Kueue frees its quota; it is queued again when spec.suspend is false.");
    }
    return d.in(Stage.Suspended, Reason.SUSPENDED_BY_USER, "spec.suspend is true: the " + kind.command + " stage holds no"
        + " quota in Kueue (its Job is deleted); set it to false to queue it again and resume from the last checkpoint.");
  }

  /** What a running stage says of an edit it does not take: which generation it runs, and when the edit applies. */
  private static String waitingEdit(Job running, StageJob.Kind kind, long gen) {
    Long made = StageJob.generationOf(running);
    String next = switch (kind) {
      case EMBED -> "from the training stage on";
      case TRAIN -> "to the evaluation stage";
      case EVAL -> "only on a retry (" + RETRY_ANNOTATION + ") once this stage ends";
    };
    return "Job " + running.getMetadata().getName() + " runs the spec of generation " + (made == null ? "?" : made)
        + "; the edit of generation " + gen + " keeps its pods running and applies " + next
        + (kind == StageJob.Kind.EMBED ? "" : "; training fields stay as training started (" + Reason.SPEC_CHANGE_REFUSED + ")") + ".";
  }

  /**
   * A stage the operator failed while its Job still runs. An OOM-killed pod: no more retries
   * (backoffLimit down to the failures already seen), so the Job fails by itself and keeps the
   * pod and its logs. An image that never came: the Job is suspended, which deletes its pods so
   * they free their GPUs, and is kept to describe; under Kueue, which would start it again, it is
   * deleted (the status keeps why).
   */
  private static void stopIfRunning(Draft d, StageJob.Kind kind, Job stageJob, StageState state, List<Pod> pods, boolean kueue) {
    if (stageJob == null || hasCondition(stageJob, "Failed") || hasCondition(stageJob, "Complete")
        || Boolean.TRUE.equals(stageJob.getSpec().getSuspend())) {
      return;
    }
    if (Reason.OOM_KILLED.equals(state.reason())) {
      int failedPods = (int) pods.stream().filter(p -> p.getStatus() != null && "Failed".equals(p.getStatus().getPhase())).count();
      int limit = Math.max(0, failedPods - 1);
      if (stageJob.getSpec().getBackoffLimit() == null || stageJob.getSpec().getBackoffLimit() > limit) {
        d.actions.add(new Action.LimitRetries(kind, limit));
      }
      return;
    }
    if (kueue) {
      d.actions.add(new Action.DeleteStageJob(stageJob.getMetadata().getName(), stageJob.getMetadata().getUid()));
      return;
    }
    d.actions.add(new Action.SetSuspend(kind, true));
  }

  /** Whether a Job's condition {@code type} is True. */
  private static boolean hasCondition(Job j, String type) {
    return j.getStatus() != null && j.getStatus().getConditions() != null && j.getStatus().getConditions().stream()
        .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /**
   * A Failed job retried by a new value of the {@value #RETRY_ANNOTATION} annotation: the stage
   * Jobs that did not complete are deleted (their checkpoints stay on the workspace claim), the
   * value is recorded in status.retriedFor so it is acted on once, and the next reconciliation
   * creates the stage again, which resumes from its last checkpoint.
   */
  private static Plan retry(Draft d, Observed seen, String value) {
    List<String> deleted = new ArrayList<>();
    for (Job j : seen.jobs().values()) {
      if (!hasCondition(j, "Complete")) {
        d.actions.add(new Action.DeleteStageJob(j.getMetadata().getName(), j.getMetadata().getUid()));
        deleted.add(j.getMetadata().getName());
      }
    }
    String message = "Retrying (" + RETRY_ANNOTATION + "=" + value + "): " + (deleted.isEmpty() ? "no stage Job to replace"
        : "deleted " + String.join(", ", deleted)) + "; the stage starts again from its last checkpoint on the workspace.";
    return d.event(false, Reason.RETRYING, message).recheckAfter(RETRY_RECHECK).retried(value)
        .in(Stage.Pending, Reason.RETRYING, message);
  }

  /** Nothing is done while another object holds one of the job's names. */
  public Plan conflict(ReLATrainingJob job, String what) {
    Stage stage = job.getStatus() != null && job.getStatus().stage != null ? job.getStatus().stage : Stage.Pending;
    return new Draft(generation(job), null, null).recheckAfter(CONFLICT_RECHECK).in(stage, Reason.NAME_CONFLICT, what
        + " already exists and is not controlled by this ReLATrainingJob (owner UID " + job.getMetadata().getUid()
        + "); the operator does not adopt it and waits. Delete or rename that object, or give the job another name.");
  }

  /** Spec changes after training began would silently restart from zero: refuse them, loudly. */
  private static void refuseSpecChangeWhileRunning(Draft d, ReLATrainingJob job, Observed seen, TrainerConfigMap.SpecDigest digest) {
    if (seen.config() == null || !JobStages.trainingRan(seen)) {
      return;
    }
    String running = seen.config().getMetadata().getAnnotations() == null ? null
        : seen.config().getMetadata().getAnnotations().get(TrainerConfigMap.SPEC_HASH);
    boolean changed = running != null && !running.equals(digest.get());
    boolean newGeneration = job.getStatus() == null || job.getStatus().observedGeneration == null
        || job.getStatus().observedGeneration != d.gen;
    if (changed && newGeneration) {
      d.event(true, Reason.SPEC_CHANGE_REFUSED, "The spec changed while training runs; the run keeps the spec it started"
          + " with (only spec.suspend applies). Delete and re-create the job to train with the new spec.");
    }
  }

  /** Whether the prior cache index (read from the ConfigMap informer) lists {@code key}. */
  private static boolean cacheHolds(Observed seen, String key) {
    return seen.cacheIndex() != null && seen.cacheIndex().getData() != null && seen.cacheIndex().getData().containsKey(key);
  }

  static PriorStatus priorStatus(ReLATrainingJob job, Observed seen) {
    ProgressReport r = seen.progress();
    PriorStatus p = new PriorStatus();
    p.cacheKey = r != null && r.priorCacheKey != null ? io.rela.operator.status.Conditions.cap(r.priorCacheKey, 128) : null;
    p.indexKey = PriorCache.shared(job) ? PriorCache.indexKey(job) : null;
    if (r != null) {
      p.dimension = r.priorDimension;
      p.samples = r.priorSamples;
    }
    p.reused = PriorCache.shared(job) ? seen.jobs().get(StageJob.Kind.EMBED) == null && seen.jobs().get(StageJob.Kind.TRAIN) != null : null;
    return p.cacheKey == null && p.indexKey == null && p.dimension == null ? null : p;
  }

  private static long generation(ReLATrainingJob job) {
    return job.getMetadata().getGeneration() == null ? 0 : job.getMetadata().getGeneration();
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
}
