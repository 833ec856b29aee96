package io.rela.operator;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.rela.api.ReLATrainingJob;
import io.rela.operator.plan.Action;
import io.rela.operator.plan.Observed;
import io.rela.operator.resources.Labels;
import io.rela.operator.resources.PriorCache;
import io.rela.operator.resources.StageJob;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Carries out a plan's actions against the API server: the only place the operator writes objects. */
final class PlanApplier {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PlanApplier.class);

  private final KubernetesClient client;
  private final OwnedResources owned;

  PlanApplier(KubernetesClient client) {
    this.client = client;
    this.owned = new OwnedResources(client);
  }

  /**
   * @param jobCache told of each created Job at once, so a reconciliation triggered before
   *     its watch event arrives sees it and creates nothing again
   * @param retired Jobs deleted for a retry, by uid, which the informer may still hold
   * @throws OwnedResources.NameConflictException when an object with a derived name belongs to another
   */
  void apply(Observed seen, List<Action> actions, InformerEventSource<Job, ReLATrainingJob> jobCache, Map<String, Instant> retired) {
    ReLATrainingJob job = seen.job();
    for (Action a : actions) {
      if (a instanceof Action.EnsureSupporting e) {
        owned.ensure(job, e.config(), e.specHash(), seen.config(), e.configFrozen());
      } else if (a instanceof Action.CreateStageJob c) {
        Job created = owned.createOwned(job, c.job());
        if (created != null) {
          jobCache.handleRecentResourceCreate(ResourceID.fromResource(created), created);
        }
      } else if (a instanceof Action.SetSuspend s) {
        editJob(job, s.kind(), j -> {
          j.getSpec().setSuspend(s.suspend());
          return j;
        });
      } else if (a instanceof Action.LimitRetries l) {
        editJob(job, l.kind(), j -> {
          j.getSpec().setBackoffLimit(l.backoffLimit());
          return j;
        });
      } else if (a instanceof Action.DeleteStageJob del) {
        retired.put(del.uid(), Instant.now());
        client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).withName(del.name())
            .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
      } else if (a instanceof Action.RecordCacheEntry r) {
        recordCacheEntry(job, r.key(), r.entry());
      }
    }
  }

  private void editJob(ReLATrainingJob job, StageJob.Kind kind, UnaryOperator<Job> change) {
    client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).withName(StageJob.name(job, kind)).edit(change);
  }

  /**
   * The index is shared by the namespace's jobs: read fresh, added to, never owned by one job.
   * Best effort: it only lets a later job skip its embedding Job (the trainer still verifies
   * every shard), so an index that cannot be written (immutable, full, edited by someone else)
   * is logged and the job goes on.
   */
  private void recordCacheEntry(ReLATrainingJob job, String key, String entry) {
    try {
      addCacheEntry(job, key, entry);
    } catch (io.fabric8.kubernetes.client.KubernetesClientException | IllegalStateException e) {
      LOG.warn("{}/{}: prior cache index {} not updated ({}); later jobs embed again", job.getMetadata().getNamespace(),
          job.getMetadata().getName(), PriorCache.INDEX_CONFIG_MAP, e.getMessage());
    }
  }

  private void addCacheEntry(ReLATrainingJob job, String key, String entry) {
    var cms = client.configMaps().inNamespace(job.getMetadata().getNamespace());
    var index = cms.withName(PriorCache.INDEX_CONFIG_MAP).get();
    if (index != null && index.getData() != null && index.getData().containsKey(key)) {
      return;
    }
    if (index == null) {
      owned.createIfAbsent(new ConfigMapBuilder().withNewMetadata().withName(PriorCache.INDEX_CONFIG_MAP)
          .withNamespace(job.getMetadata().getNamespace()).addToLabels(Labels.MANAGED_BY, Labels.MANAGER).endMetadata()
          .addToData(key, entry).build());
    } else if (index.getData() != null && index.getData().size() >= PriorCache.MAX_INDEX_ENTRIES) {
      throw new IllegalStateException("it holds " + index.getData().size() + " entries, the most it may");
    } else {
      cms.withName(PriorCache.INDEX_CONFIG_MAP).edit(cm -> new ConfigMapBuilder(cm).addToData(key, entry).build());
    }
  }
}
