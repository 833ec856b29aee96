package io.rela.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.rela.api.ReLATrainingJob;
import io.rela.api.status.ReLATrainingJobStatus;
import io.rela.api.status.Stage;
import io.rela.operator.resources.OperatorSettings;
import io.rela.operator.resources.PriorCache;
import io.rela.operator.resources.StageJob.Kind;
import io.rela.operator.resources.StageJob;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operator's decisions without an API server: each row is a situation (the job's spec and
 * status, its stage Jobs and pods, the cache index) and what the planner must do about it.
 */
class StagePlannerTest {

  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final StagePlanner PLANNER = new StagePlanner(OperatorSettings.defaults());

  /** A situation: built up from a plain job with no Jobs yet. */
  static final class Situation {
    final ReLATrainingJob job;
    final Map<Kind, Job> jobs = new EnumMap<>(Kind.class);
    final Map<Kind, List<Pod>> pods = new EnumMap<>(Kind.class);
    ConfigMap cacheIndex;
    io.rela.api.contract.ProgressReport progress;
    /** The rela.io/trainer-access label of Secrets that exist and carry one. */
    final Map<String, String> secrets = new java.util.HashMap<>();
    String conflict;
    final Map<Kind, String> createFailures = new EnumMap<>(Kind.class);
    ReLATrainingJob priorSource;
    /** The rela.io/trainer-access label of claims: the shared cache claim is opened to jobs. */
    final Map<String, String> claims = new java.util.HashMap<>(Map.of("prior-cache", "read-write"));

    Situation(String specYaml) {
      job = Serialization.unmarshal("""
          apiVersion: rela.io/v1alpha1
          kind: ReLATrainingJob
          metadata: {name: demo, namespace: ml, uid: uid-demo, generation: 1}
          spec:
            dataset: {format: FashionMNIST, path: /data/fashion-mnist}
            model: {backbone: convnet4}
            training: {epochs: 4}
          """ + specYaml.indent(2), ReLATrainingJob.class);
      if (job.getSpec().rela == null) {
        job.getSpec().rela = new io.rela.api.spec.ReLASpec();
      }
    }

    Situation stage(Kind kind, String state) {
      JobBuilder b = new JobBuilder(StageJob.desired(job, kind, OperatorSettings.defaults(), null));
      b.editMetadata().withUid("uid-" + kind.command).endMetadata();
      switch (state) {
        case "complete" -> b.withNewStatus().addNewCondition().withType("Complete").withStatus("True").endCondition().endStatus();
        case "failed" -> b.withNewStatus().addNewCondition().withType("Failed").withStatus("True").withReason("BackoffLimitExceeded")
            .withMessage("Job has reached the specified backoff limit").endCondition().endStatus();
        case "suspended" -> b.editSpec().withSuspend(true).endSpec().withNewStatus().endStatus();
        default -> b.editSpec().withSuspend(false).endSpec().withNewStatus().withActive(1).endStatus();
      }
      jobs.put(kind, b.build());
      return this;
    }

    Situation pod(Kind kind, Consumer<PodBuilder> how) {
      PodBuilder b = new PodBuilder().withNewMetadata().withName("demo-" + kind.command + "-abcde").withCreationTimestamp(NOW.minusSeconds(600).toString())
          .endMetadata().withNewSpec().addNewContainer().withName("trainer").withNewResources().addToLimits("memory", new Quantity("4Gi"))
          .endResources().endContainer().endSpec();
      how.accept(b);
      pods.computeIfAbsent(kind, k -> new ArrayList<>()).add(b.build());
      return this;
    }

    Situation source(Stage stage) {
      priorSource = new ReLATrainingJob();
      priorSource.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("teacher").withNamespace("ml")
          .withUid("uid-teacher").build());
      priorSource.setStatus(new ReLATrainingJobStatus());
      priorSource.getStatus().stage = stage;
      return this;
    }

    Situation datasetClaim(String name) {
      job.getSpec().dataset.volume = new io.fabric8.kubernetes.api.model.VolumeBuilder().withName("data")
          .withNewPersistentVolumeClaim(name, false).build();
      return this;
    }

    Situation claim(String name, String access) {
      if (access == null) {
        claims.remove(name);
      } else {
        claims.put(name, access);
      }
      return this;
    }

    Situation status(Stage stage, String retriedFor) {
      job.setStatus(new ReLATrainingJobStatus());
      job.getStatus().stage = stage;
      job.getStatus().observedGeneration = 1L;
      job.getStatus().retriedFor = retriedFor;
      return this;
    }

    /** The spec edited after the stage Jobs were made: generation 2. */
    Situation edited(Consumer<io.rela.api.spec.ReLATrainingJobSpec> change) {
      change.accept(job.getSpec());
      job.getMetadata().setGeneration(2L);
      return this;
    }

    Situation annotate(String key, String value) {
      job.getMetadata().setAnnotations(Map.of(key, value));
      return this;
    }

    Situation secret(String name, String access) {
      secrets.put(name, access);
      return this;
    }

    /** The trainer reported {@code epoch} epochs done (its progress outlives a deleted train Job). */
    Situation trained(int epoch) {
      progress = new io.rela.api.contract.ProgressReport();
      progress.epoch = epoch;
      return this;
    }

    Situation label(String key, String value) {
      job.getMetadata().setLabels(Map.of(key, value));
      return this;
    }

    Situation cached() {
      cacheIndex = new ConfigMapBuilder().withNewMetadata().withName(PriorCache.INDEX_CONFIG_MAP).endMetadata()
          .addToData(PriorCache.indexKey(job), "other prior-cache").build();
      return this;
    }

    Observed observed() {
      return new Observed(job, jobs, pods, null, progress, conflict, priorSource, cacheIndex, createFailures, claims, secrets, NOW);
    }
  }

  private static Consumer<PodBuilder> terminated(String reason, int exit) {
    return b -> b.withNewStatus().withPhase("Failed").addNewContainerStatus().withName("trainer").withNewState().withNewTerminated()
        .withReason(reason).withExitCode(exit).withFinishedAt(NOW.toString()).endTerminated().endState().endContainerStatus().endStatus();
  }

  private static Consumer<PodBuilder> running() {
    return b -> b.withNewStatus().withPhase("Running").withStartTime(NOW.minusSeconds(600).toString()).addNewContainerStatus()
        .withName("trainer").withNewState().withNewRunning().withStartedAt(NOW.minusSeconds(590).toString()).endRunning().endState()
        .endContainerStatus().endStatus();
  }

  private static Consumer<PodBuilder> unschedulable() {
    return b -> b.withNewStatus().withPhase("Pending").addNewCondition().withType("PodScheduled").withStatus("False")
        .withReason("Unschedulable").withMessage("0/1 nodes are available: 1 Insufficient cpu.").endCondition().endStatus();
  }

  private static void moreCpu(io.rela.api.spec.ReLATrainingJobSpec spec) {
    spec.resources = new io.rela.api.spec.ResourcesSpec();
    spec.resources.cpu = "1";
  }

  private static Consumer<PodBuilder> waiting(String reason) {
    return b -> b.withNewStatus().withPhase("Pending").withStartTime(NOW.minusSeconds(600).toString()).addNewContainerStatus()
        .withName("trainer").withImage("rela/trainer:nope").withNewState().withNewWaiting().withReason(reason).withMessage("not found")
        .endWaiting().endState().endContainerStatus().endStatus();
  }

  private static final String CACHE = "prior: {cacheClaimName: prior-cache}\n";
  private static final String TRACKED = "tracking: {mlflow: {trackingUri: 'http://mlflow.ml:5000', experiment: rela,"
      + " tokenSecretName: mlflow-token}}\n";
  private static final String KUEUE = "queue: {name: gpu, priorityClass: research}\n";
  private static final String JOB_PRIOR = "prior: {type: Job, jobRef: {name: teacher}}\n";

  static Stream<Arguments> situations() {
    return Stream.of(
        row("an edit reaches an unschedulable train Job: re-created from the new spec", new Situation("")
                .stage(Kind.EMBED, "complete").stage(Kind.TRAIN, "active").pod(Kind.TRAIN, unschedulable())
                .edited(StagePlannerTest::moreCpu),
            Stage.Training, "SpecApplied", "DeleteStageJob:demo-train", "SpecApplied"),
        row("an edit reaches an embed Job waiting for its image: re-created", new Situation("imagePullGracePeriodSeconds: 3600")
                .stage(Kind.EMBED, "active").pod(Kind.EMBED, waiting("ImagePullBackOff")).edited(sp -> sp.image = "rela/trainer:fixed"),
            Stage.Embedding, "SpecApplied", "DeleteStageJob:demo-embed", "SpecApplied"),
        row("an edit reaches a suspended embed Job that never ran: re-created", new Situation("suspend: true")
                .stage(Kind.EMBED, "suspended").edited(StagePlannerTest::moreCpu),
            Stage.Embedding, "SpecApplied", "DeleteStageJob:demo-embed", "SpecApplied"),
        row("an edit reaches a running train Job: it keeps its pods", new Situation("")
                .stage(Kind.EMBED, "complete").stage(Kind.TRAIN, "active").pod(Kind.TRAIN, running())
                .edited(StagePlannerTest::moreCpu),
            Stage.Training, "Training", "", ""),
        row("a failed stage is not re-created by an edit (the retry annotation does that)", new Situation("")
                .stage(Kind.EMBED, "complete").stage(Kind.TRAIN, "failed").pod(Kind.TRAIN, terminated("Error", 1))
                .edited(StagePlannerTest::moreCpu),
            Stage.Failed, "StageJobFailed", "", ""),
        row("a new job, no cache: embed first", new Situation(""),
            Stage.Embedding, "EmbeddingPrior", "EnsureSupporting CreateStageJob:EMBED", ""),
        row("a new job, cache miss: embed first", new Situation(CACHE),
            Stage.Embedding, "EmbeddingPrior", "EnsureSupporting CreateStageJob:EMBED", ""),
        row("a new job, cache hit: straight to training", new Situation(CACHE).cached(),
            Stage.Training, "Training", "EnsureSupporting CreateStageJob:TRAIN", "PriorCacheHit"),
        row("plain BYOL (schedule None): no embedding stage", new Situation("rela: {schedule: None, dataRatio: 1.0}\n"),
            Stage.Training, "Training", "EnsureSupporting CreateStageJob:TRAIN", ""),
        row("created suspended", new Situation("suspend: true\n"),
            Stage.Suspended, "SuspendedByUser", "EnsureSupporting CreateStageJob:EMBED", ""),
        row("queued by Kueue", new Situation(KUEUE),
            Stage.Suspended, "QueuedByKueue", "EnsureSupporting CreateStageJob:EMBED", ""),
        row("a Kueue label on the job itself is not spec.queue: the Jobs start at once", new Situation("")
                .label("kueue.x-k8s.io/queue-name", "gpu"),
            Stage.Embedding, "EmbeddingPrior", "EnsureSupporting CreateStageJob:EMBED", ""),
        row("Kueue, suspended while training: the Job is deleted (Kueue starts admitted Jobs), its quota freed",
            new Situation(KUEUE + "suspend: true\n").stage(Kind.EMBED, "complete").stage(Kind.TRAIN, "active")
                .pod(Kind.TRAIN, running()).trained(2),
            Stage.Suspended, "SuspendedByUser", "DeleteStageJob:demo-train", "SuspendedByUser"),
        row("Kueue, created suspended: no Job at all", new Situation(KUEUE + "suspend: true\n"),
            Stage.Suspended, "SuspendedByUser", "", ""),
        row("Kueue, resumed after its train Job was deleted (embed Job gone by TTL): training is queued again, no re-embedding",
            new Situation(KUEUE).trained(2),
            Stage.Suspended, "QueuedByKueue", "EnsureSupporting:frozen CreateStageJob:TRAIN", ""),
        row("Kueue, an image that never came: the Job is deleted, not suspended (Kueue would start it again)",
            new Situation(KUEUE).stage(Kind.EMBED, "active").pod(Kind.EMBED, waiting("ImagePullBackOff")),
            Stage.Failed, "ImagePullFailed", "DeleteStageJob:demo-embed", ""),
        row("embedding done with a cache claim: record it, then train", new Situation(CACHE).stage(Kind.EMBED, "complete"),
            Stage.Training, "Training", "RecordCacheEntry EnsureSupporting CreateStageJob:TRAIN", ""),
        row("training, then suspend: the Job is suspended", new Situation("suspend: true\n").stage(Kind.EMBED, "complete")
                .stage(Kind.TRAIN, "active"),
            Stage.Suspended, "SuspendedByUser", "SetSuspend:TRAIN:true", ""),
        row("suspended, then resumed: the Job resumes", new Situation("").stage(Kind.EMBED, "complete").stage(Kind.TRAIN, "suspended"),
            Stage.Training, "Training", "SetSuspend:TRAIN:false", "Resumed"),
        row("Kueue has not admitted it: the operator does not unsuspend", new Situation(KUEUE)
                .stage(Kind.EMBED, "complete").stage(Kind.TRAIN, "suspended"),
            Stage.Suspended, "QueuedByKueue", "", ""),
        row("the train Job failed", new Situation("").stage(Kind.EMBED, "complete").stage(Kind.TRAIN, "failed")
                .pod(Kind.TRAIN, terminated("Error", 1)),
            Stage.Failed, "StageJobFailed", "", ""),
        row("the trainer refused its input (exit 2)", new Situation("").stage(Kind.EMBED, "complete").stage(Kind.TRAIN, "failed")
                .pod(Kind.TRAIN, terminated("Error", 2)),
            Stage.Failed, "InvalidInput", "", ""),
        row("OOM-killed while the Job would retry: no more retries", new Situation("").stage(Kind.EMBED, "complete")
                .stage(Kind.TRAIN, "active").pod(Kind.TRAIN, terminated("OOMKilled", 137)),
            Stage.Failed, "OOMKilled", "LimitRetries:TRAIN:0", ""),
        row("an image that never came, past the grace period: suspended", new Situation("").stage(Kind.EMBED, "active")
                .pod(Kind.EMBED, waiting("ImagePullBackOff")),
            Stage.Failed, "ImagePullFailed", "SetSuspend:EMBED:true", ""),
        row("an image pull failing within the grace period: a condition", new Situation("imagePullGracePeriodSeconds: 900\n")
                .stage(Kind.EMBED, "active").pod(Kind.EMBED, waiting("ErrImagePull")),
            Stage.Embedding, "ImagePullFailed", "", ""),
        row("Failed, retry annotation: the failed stage is deleted, the done one kept", new Situation("").stage(Kind.EMBED, "complete")
                .stage(Kind.TRAIN, "failed").status(Stage.Failed, null).annotate("rela.io/retry", "1"),
            Stage.Pending, "Retrying", "DeleteStageJob:demo-train", "Retrying"),
        row("Failed, the same retry value again: nothing", new Situation("").stage(Kind.EMBED, "complete")
                .stage(Kind.TRAIN, "failed").status(Stage.Failed, "1").annotate("rela.io/retry", "1"),
            Stage.Failed, null, "", ""),
        row("training done: evaluate, config frozen", new Situation("").stage(Kind.EMBED, "complete").stage(Kind.TRAIN, "complete"),
            Stage.Evaluating, "Evaluating", "EnsureSupporting:frozen CreateStageJob:EVAL", ""),
        row("evaluated: done", new Situation("").stage(Kind.EMBED, "complete").stage(Kind.TRAIN, "complete").stage(Kind.EVAL, "complete"),
            Stage.Succeeded, "Succeeded", "", ""),
        row("the Job controller cannot create the pods (quota): a condition", quotaExceeded(),
            Stage.Training, "FailedCreate", "", ""),
        row("another object holds a derived name: nothing done", conflicted(),
            Stage.Pending, "NameConflict", "", ""),
        row("a Job prior whose source does not exist: a condition naming it", new Situation(JOB_PRIOR),
            Stage.Pending, "PriorJobNotFound", "", ""),
        row("a Job prior whose source has not succeeded: wait", new Situation(JOB_PRIOR).source(Stage.Training),
            Stage.Pending, "PriorJobNotReady", "", ""),
        row("a Job prior whose source was deleted after training began: training goes on", new Situation(JOB_PRIOR)
                .stage(Kind.EMBED, "complete").stage(Kind.TRAIN, "complete"),
            Stage.Evaluating, "Evaluating", "EnsureSupporting:frozen CreateStageJob:EVAL", ""),
        row("an MLflow token Secret not opened to jobs: embedding goes on, training waits", new Situation(TRACKED)
                .secret("mlflow-token", "read-only"),
            Stage.Embedding, "EmbeddingPrior", "EnsureSupporting CreateStageJob:EMBED", ""),
        row("an MLflow token Secret not opened to jobs: no train Job mounts it", new Situation(TRACKED)
                .stage(Kind.EMBED, "complete").secret("mlflow-token", "read-only"),
            Stage.Pending, "SecretNotAllowed", "", ""),
        row("an MLflow token Secret that does not exist: no train Job", new Situation(TRACKED).stage(Kind.EMBED, "complete"),
            Stage.Pending, "SecretNotAllowed", "", ""),
        row("an MLflow token Secret opened to jobs: training starts", new Situation(TRACKED).stage(Kind.EMBED, "complete")
                .secret("mlflow-token", "credentials"),
            Stage.Training, "Training", "EnsureSupporting CreateStageJob:TRAIN", ""),
        row("a cache claim its owners did not open to jobs: nothing mounts it", new Situation(CACHE).claim("prior-cache", null),
            Stage.Pending, "ClaimNotAllowed", "", ""),
        row("a workspace claim opened read-only: not enough to write checkpoints",
            new Situation("workspace: {claimName: shared}\n").claim("shared", "read-only"),
            Stage.Pending, "ClaimNotAllowed", "", ""),
        row("a dataset claim opened read-only: enough to read the data", new Situation("").datasetClaim("datasets").claim("datasets", "read-only"),
            Stage.Embedding, "EmbeddingPrior", "EnsureSupporting CreateStageJob:EMBED", ""),
        row("a dataset claim not opened: refused before any pod", new Situation("").datasetClaim("datasets"),
            Stage.Pending, "ClaimNotAllowed", "", ""),
        row("the training stage is checked too (the claim's label removed after embedding)",
            new Situation(CACHE).claim("prior-cache", "read-only").stage(Kind.EMBED, "complete"),
            Stage.Pending, "ClaimNotAllowed", "RecordCacheEntry", ""));
  }

  private static Situation quotaExceeded() {
    Situation s = new Situation("").stage(Kind.EMBED, "complete").stage(Kind.TRAIN, "active");
    s.createFailures.put(Kind.TRAIN, "pods \"demo-train-x\" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=0, limited: pods=0");
    return s;
  }

  private static Situation conflicted() {
    Situation s = new Situation("");
    s.conflict = "Job demo-train";
    return s;
  }

  private static Arguments row(String name, Situation s, Stage stage, String reason, String actions, String events) {
    return Arguments.of(name, s, stage, reason, actions, events);
  }

  /** "Kind:detail" per action, in order. */
  private static String describe(List<Action> actions) {
    List<String> out = new ArrayList<>();
    for (Action a : actions) {
      if (a instanceof Action.EnsureSupporting e) {
        out.add(e.configFrozen() ? "EnsureSupporting:frozen" : "EnsureSupporting");
      } else if (a instanceof Action.CreateStageJob c) {
        out.add("CreateStageJob:" + c.kind());
      } else if (a instanceof Action.SetSuspend s) {
        out.add("SetSuspend:" + s.kind() + ":" + s.suspend());
      } else if (a instanceof Action.LimitRetries l) {
        out.add("LimitRetries:" + l.kind() + ":" + l.backoffLimit());
      } else if (a instanceof Action.DeleteStageJob d) {
        out.add("DeleteStageJob:" + d.name());
      } else {
        out.add(a.getClass().getSimpleName());
      }
    }
    return String.join(" ", out);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("situations")
  void decides(String name, Situation s, Stage stage, String reason, String actions, String events) {
    Plan plan = PLANNER.plan(s.observed());
    assertThat(plan.observation().stage()).as("stage").isEqualTo(stage);
    if (reason != null) {
      assertThat(plan.observation().reason()).as("reason").isEqualTo(reason);
    }
    assertThat(describe(plan.actions())).as("actions").isEqualTo(actions);
    assertThat(String.join(" ", plan.events().stream().map(Plan.Event::reason).toList())).as("events").isEqualTo(events);
  }

  private static String summary(Plan p) {
    return describe(p.actions()) + " | " + p.events() + " | " + p.observation().stage() + " " + p.observation().reason() + " "
        + p.observation().message() + " | " + p.recheckAfter() + " | " + p.observation().retriedFor();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("situations")
  void isPure(String name, Situation s, Stage stage, String reason, String actions, String events) {
    // the same observation, the same plan: nothing hidden is read or kept
    assertThat(summary(PLANNER.plan(s.observed()))).isEqualTo(summary(PLANNER.plan(s.observed())));
  }

  @org.junit.jupiter.api.Test
  void aRunningStageSaysWhichGenerationItRunsAndWhenTheEditApplies() {
    Plan plan = PLANNER.plan(new Situation("").stage(Kind.EMBED, "complete").stage(Kind.TRAIN, "active")
        .pod(Kind.TRAIN, running()).edited(StagePlannerTest::moreCpu).observed());
    assertThat(plan.observation().message()).contains("Job demo-train runs the spec of generation 1")
        .contains("the edit of generation 2 keeps its pods running and applies to the evaluation stage")
        .contains("SpecChangeRefused");
    Plan applied = PLANNER.plan(new Situation("").stage(Kind.EMBED, "complete").stage(Kind.TRAIN, "active")
        .pod(Kind.TRAIN, unschedulable()).edited(StagePlannerTest::moreCpu).observed());
    assertThat(applied.observation().message()).contains("Generation 2 applied: Job demo-train had not started a pod");
    assertThat(applied.recheckAfter()).isEqualTo(StagePlanner.RETRY_RECHECK);
    // the Job made next carries the new generation and spec
    Job next = StageJob.desired(new Situation("").edited(StagePlannerTest::moreCpu).job, Kind.TRAIN, OperatorSettings.defaults(), null);
    assertThat(StageJob.generationOf(next)).isEqualTo(2L);
  }

  @org.junit.jupiter.api.Test
  void theJobAndItsConfigCarryTheDigestOfTheSpecTheyWereMadeFrom() {
    Situation s = new Situation("").edited(StagePlannerTest::moreCpu);
    Plan plan = PLANNER.plan(s.observed());
    String digest = io.rela.operator.resources.TrainerConfigMap.specHash(s.job.getSpec());
    Action.EnsureSupporting ensure = plan.actions().stream().filter(Action.EnsureSupporting.class::isInstance)
        .map(Action.EnsureSupporting.class::cast).findFirst().orElseThrow();
    Action.CreateStageJob create = plan.actions().stream().filter(Action.CreateStageJob.class::isInstance)
        .map(Action.CreateStageJob.class::cast).findFirst().orElseThrow();
    assertThat(ensure.specHash()).isEqualTo(digest);
    assertThat(create.job().getMetadata().getAnnotations()).containsEntry(io.rela.operator.resources.TrainerConfigMap.SPEC_HASH, digest);
    // a digest lives for one planning pass: a later pass over a spec edited in place sees the edit
    var first = new io.rela.operator.resources.TrainerConfigMap.SpecDigest(s.job.getSpec());
    String before = first.get();
    s.job.getSpec().image = "rela/trainer:another";
    assertThat(first.get()).isEqualTo(before);
    assertThat(new io.rela.operator.resources.TrainerConfigMap.SpecDigest(s.job.getSpec()).get()).isNotEqualTo(before);
  }

  @org.junit.jupiter.api.Test
  void aRetryIsRecordedAndLooksAgainSoon() {
    Plan plan = PLANNER.plan(new Situation("").stage(Kind.EMBED, "complete").stage(Kind.TRAIN, "failed")
        .status(Stage.Failed, "0").annotate("rela.io/retry", "1").observed());
    assertThat(plan.observation().retriedFor()).isEqualTo("1");
    assertThat(plan.recheckAfter()).isEqualTo(StagePlanner.RETRY_RECHECK);
    assertThat(plan.observation().message()).contains("deleted demo-train").contains("last checkpoint");
  }

  @org.junit.jupiter.api.Test
  void aStallWithinTheGracePeriodLooksAgainWhenItEnds() {
    Plan plan = PLANNER.plan(new Situation("imagePullGracePeriodSeconds: 900\n").stage(Kind.EMBED, "active")
        .pod(Kind.EMBED, waiting("ErrImagePull")).observed());
    assertThat(plan.recheckAfter()).isEqualTo(java.time.Duration.ofSeconds(300));
  }
}
