package io.rela.operator;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.rela.api.ReLATrainingJob;
import io.rela.api.contract.ProgressReport;
import io.rela.api.spec.PriorType;
import io.rela.operator.plan.Observed;
import io.rela.operator.resources.Labels;
import io.rela.operator.resources.PriorCache;
import io.rela.operator.resources.ProgressConfigMap;
import io.rela.operator.resources.StageJob;
import io.rela.operator.resources.TrainerConfigMap;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's eyes: the informers it watches through, and what one job looks like in them.
 * Reads caches only, never the API server.
 */
final class Observer {

  private static final String PRIOR_REF_INDEX = "prior-job-ref";
  private static final String CREATE_FAILURES = "stage-job-create-failures";
  private static final String CLAIM_INDEX = "named-claims";

  private Observer() {}

  /**
   * Owned Jobs, ConfigMaps and pods by the job label; opened claims; FailedCreate events; and
   * {@code wake}, through which a Job prior's source wakes the jobs that name it (one informer
   * per kind: source jobs are read from the primary cache, indexed by the jobRef each job names).
   */
  static List<EventSource<?, ReLATrainingJob>> eventSources(EventSourceContext<ReLATrainingJob> ctx,
      SimpleInboundEventSource<ReLATrainingJob> wake) {
    var primaries = ctx.getPrimaryCache();
    primaries.addIndexer(PRIOR_REF_INDEX, j -> j.getSpec() != null && j.getSpec().prior != null
        && j.getSpec().prior.type == PriorType.Job && j.getSpec().prior.jobRef != null
        ? List.of(j.getMetadata().getNamespace() + "/" + j.getSpec().prior.jobRef.name) : List.of());
    // the Job controller's FailedCreate events (quota, Pod Security): the only trace of pods it
    // could not make; mapped to the job by the stage Job's name
    InformerEventSource<Event, ReLATrainingJob> createFailures = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Event.class, ReLATrainingJob.class)
            .withName(CREATE_FAILURES)
            .withFieldSelector(new FieldSelector(new FieldSelector.Field("reason", "FailedCreate"),
                new FieldSelector.Field("involvedObject.kind", "Job")))
            .withSecondaryToPrimaryMapper(e -> {
              String job = jobOfStageJob(e.getInvolvedObject().getName());
              return job == null ? Set.of() : Set.of(new ResourceID(job, e.getMetadata().getNamespace()));
            })
            .build(), ctx);
    // claims the namespace's owners opened to jobs: only those are cached, and a label change
    // wakes the jobs that name the claim
    primaries.addIndexer(CLAIM_INDEX, j -> io.rela.operator.plan.ClaimAccess.named(j).keySet().stream()
        .map(c -> j.getMetadata().getNamespace() + "/" + c).toList());
    InformerEventSource<PersistentVolumeClaim, ReLATrainingJob> claims = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(PersistentVolumeClaim.class, ReLATrainingJob.class)
            .withLabelSelector(Labels.TRAINER_ACCESS)
            .withSecondaryToPrimaryMapper(pvc -> indexed(primaries, CLAIM_INDEX, pvc))
            .build(), ctx);
    return List.of(
        claims,
        informer(ctx, Job.class, Labels.MANAGED_BY + "=" + Labels.MANAGER,
            new OwnedOnlyStore<>(ReLATrainingJob.GROUP, "ReLATrainingJob", j -> false, j -> {
              if (j.getSpec() != null && j.getSpec().getTemplate() != null) {
                OwnedOnlyStore.slimPodSpec(j.getSpec().getTemplate().getSpec());
              }
              return j;
            })),
        // the rendered config is held by its hash annotations only: its data is the spec again
        informer(ctx, ConfigMap.class, Labels.MANAGED_BY + "=" + Labels.MANAGER,
            new OwnedOnlyStore<>(ReLATrainingJob.GROUP, "ReLATrainingJob",
                cm -> PriorCache.INDEX_CONFIG_MAP.equals(cm.getMetadata().getName()), cm -> {
                  if (cm.getMetadata().getAnnotations() != null
                      && cm.getMetadata().getAnnotations().containsKey(TrainerConfigMap.CONFIG_HASH)) {
                    cm.setData(null);
                  }
                  return cm;
                })),
        informer(ctx, Pod.class, Labels.JOB, new OwnedOnlyStore<>("batch", "Job", p -> false, p -> {
          OwnedOnlyStore.slimPodSpec(p.getSpec());
          return p;
        })),
        wake,
        createFailures);
  }

  /** The jobs whose prior is {@code source}'s backbone, from the primary cache's index. */
  static Set<ResourceID> dependents(Context<ReLATrainingJob> ctx, ReLATrainingJob source) {
    return indexed(ctx.getPrimaryCache(), PRIOR_REF_INDEX, source);
  }

  /** The jobs an index of the primary cache files under {@code o}'s "namespace/name". */
  private static Set<ResourceID> indexed(io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache<ReLATrainingJob> primaries,
      String index, HasMetadata o) {
    return primaries.byIndex(index, o.getMetadata().getNamespace() + "/" + o.getMetadata().getName()).stream()
        .map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  /** "demo" for "demo-train" (any stage suffix), null for other names. */
  static String jobOfStageJob(String name) {
    for (StageJob.Kind k : StageJob.Kind.values()) {
      if (name != null && name.endsWith("-" + k.command)) {
        return name.substring(0, name.length() - k.command.length() - 1);
      }
    }
    return null;
  }

  private static <R extends HasMetadata> InformerEventSource<R, ReLATrainingJob> informer(
      EventSourceContext<ReLATrainingJob> ctx, Class<R> type, String selector, OwnedOnlyStore<R> store) {
    SecondaryToPrimaryMapper<R> byLabel = r -> {
      String job = r.getMetadata().getLabels() == null ? null : r.getMetadata().getLabels().get(Labels.JOB);
      return job == null ? Set.of() : Set.of(new ResourceID(job, r.getMetadata().getNamespace()));
    };
    return new InformerEventSource<>(InformerEventSourceConfiguration.from(type, ReLATrainingJob.class)
        .withLabelSelector(selector)
        .withItemStore(store)
        .withSecondaryToPrimaryMapper(byLabel)
        .build(), ctx);
  }

  @SuppressWarnings("unchecked")
  static InformerEventSource<Job, ReLATrainingJob> jobCache(Context<ReLATrainingJob> ctx) {
    return (InformerEventSource<Job, ReLATrainingJob>) ctx.eventSourceRetriever().getEventSourceFor(Job.class);
  }

  /**
   * What the caches hold for {@code job}: only objects it controls (by owner UID; pods by their
   * Job's UID), skipping Jobs deleted for a retry ({@code retired}).
   */
  static Observed observe(ReLATrainingJob job, Context<ReLATrainingJob> ctx, Map<String, Instant> retired, Instant now) {
    retired.values().removeIf(t -> t.isBefore(now.minus(Duration.ofMinutes(10))));
    // the reconciler gets a serialised copy, which drops the mark of a spec the model could not
    // read: the informer's own object still carries it
    if (job.getSpec() != null && job.getSpec().unreadable == null) {
      ctx.getPrimaryCache().get(ResourceID.fromResource(job)).map(ReLATrainingJob::getSpec)
          .map(s -> s.unreadable).ifPresent(why -> job.getSpec().unreadable = why);
    }
    Map<StageJob.Kind, Job> jobs = new EnumMap<>(StageJob.Kind.class);
    Map<String, StageJob.Kind> byName = new HashMap<>();
    for (StageJob.Kind k : StageJob.Kind.values()) {
      byName.put(StageJob.name(job, k), k);
    }
    String conflict = null;
    Set<String> jobUids = new HashSet<>();
    for (Job j : ctx.getSecondaryResources(Job.class)) {
      StageJob.Kind k = byName.get(j.getMetadata().getName());
      if (k == null || retired.containsKey(j.getMetadata().getUid())) {
        continue;
      }
      if (Labels.controlledBy(j, job)) {
        jobs.put(k, j);
        jobUids.add(j.getMetadata().getUid());
      } else {
        // e.g. a Job of an earlier job with this name that the garbage collector has not removed yet
        conflict = "Job " + j.getMetadata().getName();
      }
    }
    Map<StageJob.Kind, List<Pod>> pods = new EnumMap<>(StageJob.Kind.class);
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
      if (!Labels.controlledBy(cm, job)) {
        continue;
      }
      if (cm.getMetadata().getName().equals(TrainerConfigMap.name(job))) {
        config = cm;
      } else if (cm.getMetadata().getName().equals(ProgressConfigMap.name(job))) {
        progress = ProgressConfigMap.read(cm).orElse(null);
      }
    }
    ReLATrainingJob priorSource = null;
    var spec = job.getSpec();
    if (spec.prior != null && spec.prior.type == PriorType.Job && spec.prior.jobRef != null) {
      priorSource = ctx.getPrimaryCache().get(new ResourceID(spec.prior.jobRef.name, job.getMetadata().getNamespace())).orElse(null);
    }
    @SuppressWarnings("unchecked")
    InformerEventSource<ConfigMap, ReLATrainingJob> configMaps =
        (InformerEventSource<ConfigMap, ReLATrainingJob>) ctx.eventSourceRetriever().getEventSourceFor(ConfigMap.class);
    ConfigMap cacheIndex = configMaps.get(new ResourceID(PriorCache.INDEX_CONFIG_MAP, job.getMetadata().getNamespace())).orElse(null);
    Map<StageJob.Kind, String> createFailures = new EnumMap<>(StageJob.Kind.class);
    Map<StageJob.Kind, String> latest = new EnumMap<>(StageJob.Kind.class);
    for (Event e : ctx.getSecondaryResources(Event.class)) {
      StageJob.Kind k = byName.get(e.getInvolvedObject().getName());
      String when = e.getLastTimestamp() != null ? e.getLastTimestamp() : e.getMetadata().getCreationTimestamp();
      if (k != null && jobUids.contains(e.getInvolvedObject().getUid())
          && (when == null ? "" : when).compareTo(latest.getOrDefault(k, "")) >= 0) {
        latest.put(k, when == null ? "" : when);
        createFailures.put(k, e.getMessage());
      }
    }
    Map<String, String> claimAccess = new HashMap<>();
    @SuppressWarnings("unchecked")
    InformerEventSource<PersistentVolumeClaim, ReLATrainingJob> claims =
        (InformerEventSource<PersistentVolumeClaim, ReLATrainingJob>) ctx.eventSourceRetriever().getEventSourceFor(PersistentVolumeClaim.class);
    for (String name : io.rela.operator.plan.ClaimAccess.named(job).keySet()) {
      claims.get(new ResourceID(name, job.getMetadata().getNamespace()))
          .map(Observer::trainerAccess).ifPresent(v -> claimAccess.put(name, v));
    }
    // Secrets are read by name (get only: the operator may not list or watch them), and only while
    // the next Job to make is the train or the evaluation Job, whose creation is where the planner
    // checks them: not on every progress report of a running stage
    Map<String, String> secretAccess = new HashMap<>();
    Job train = jobs.get(StageJob.Kind.TRAIN);
    if (!jobs.containsKey(StageJob.Kind.EVAL) && (train == null || complete(train))) {
      for (String name : io.rela.operator.plan.SecretAccess.named(job).keySet()) {
        java.util.Optional.ofNullable(ctx.getClient().secrets().inNamespace(job.getMetadata().getNamespace()).withName(name).get())
            .map(Observer::trainerAccess).ifPresent(v -> secretAccess.put(name, v));
      }
    }
    return new Observed(job, jobs, pods, config, progress, conflict, priorSource, cacheIndex, createFailures, claimAccess,
        secretAccess, now);
  }

  /** The {@link Labels#TRAINER_ACCESS} label of a claim or Secret, or null. */
  private static String trainerAccess(io.fabric8.kubernetes.api.model.HasMetadata o) {
    return o.getMetadata().getLabels() == null ? null : o.getMetadata().getLabels().get(Labels.TRAINER_ACCESS);
  }

  private static boolean complete(Job j) {
    return j.getStatus() != null && j.getStatus().getConditions() != null && j.getStatus().getConditions().stream()
        .anyMatch(c -> "Complete".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
