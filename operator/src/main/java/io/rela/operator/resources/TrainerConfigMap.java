package io.rela.operator.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.rela.api.ReLATrainingJob;
import io.rela.api.contract.Mounts;
import io.rela.api.contract.Sha256;
import io.rela.api.contract.TrainerConfig;
import io.rela.api.spec.ReLATrainingJobSpec;
import java.util.Map;

/** The trainer config rendered from the spec; every stage pod mounts it at {@link Mounts#CONFIG}. */
public final class TrainerConfigMap {

  /** Digest of the spec the config was rendered from (suspend excluded). */
  public static final String SPEC_HASH = "rela.io/spec-hash";
  /** A digest of the rendered config: the operator caches the ConfigMap without its data and compares this. */
  public static final String CONFIG_HASH = "rela.io/config-hash";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private TrainerConfigMap() {}

  public static String name(ReLATrainingJob job) {
    return job.getMetadata().getName() + "-config";
  }

  /**
   * The trainer's config. No cache key: the trainer computes it from content (the operator
   * cannot read the prior file or the dataset). A Job prior's UID goes in as part of its identity.
   */
  public static TrainerConfig render(ReLATrainingJob job, String priorCheckpoint, String priorJobUid, int metricsPort) {
    TrainerConfig c = new TrainerConfig();
    c.namespace = job.getMetadata().getNamespace();
    c.jobName = job.getMetadata().getName();
    c.jobUid = job.getMetadata().getUid();
    c.workspaceClaim = WorkspaceClaim.name(job);
    c.spec = forTrainer(job.getSpec());
    c.workspaceDir = Mounts.WORKSPACE;
    c.priorCacheDir = job.getSpec().prior != null && job.getSpec().prior.cacheClaimName != null
        ? Mounts.PRIOR_CACHE : Mounts.priorCacheIn(java.nio.file.Path.of(Mounts.WORKSPACE)).toString();
    c.priorCheckpoint = priorCheckpoint;
    c.priorJobUid = priorJobUid;
    c.progressConfigMap = ProgressConfigMap.name(job);
    c.metricsPort = metricsPort;
    return c;
  }

  /**
   * The spec as the trainer needs it: without what only the pods' placement and the operator
   * read (node selector, tolerations, affinity, priority, image, the data volume, queue, suspend,
   * retry and time limits, the workspace claim). The trainer never reads them, and in a large
   * spec they are most of its bytes: leaving them out keeps the ConfigMap every job writes small.
   */
  static ReLATrainingJobSpec forTrainer(ReLATrainingJobSpec spec) {
    ReLATrainingJobSpec t = JSON.convertValue(spec, ReLATrainingJobSpec.class);
    t.nodeSelector = null;
    t.tolerations = null;
    t.affinity = null;
    t.priorityClassName = null;
    t.image = null;
    t.queue = null;
    t.workspace = null;
    t.suspend = null;
    t.backoffLimit = null;
    t.activeDeadlineSeconds = null;
    t.imagePullGracePeriodSeconds = null;
    t.ttlSecondsAfterFinished = null;
    if (t.dataset != null) {
      t.dataset.volume = null;
    }
    return t;
  }

  /** The config ConfigMap, annotated with the spec digest the caller already computed. */
  public static ConfigMap desired(ReLATrainingJob job, TrainerConfig config, String specHash) {
    try {
      String yaml = YAML.writeValueAsString(config);
      ConfigMap cm = new ConfigMapBuilder()
          .withMetadata(Labels.metadata(job, name(job), Map.of()))
          .withData(Map.of(TrainerConfig.CONFIG_MAP_KEY, yaml))
          .build();
      cm.getMetadata().setAnnotations(Map.of(SPEC_HASH, specHash, CONFIG_HASH, Sha256.hex(yaml, 16)));
      return cm;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A digest of everything in the spec that changes what is trained (not suspend). */
  public static String specHash(ReLATrainingJobSpec spec) {
    return digest(spec);
  }

  /**
   * The spec digest for one planning pass, computed at most once and only when asked: getting it
   * serialises the whole spec, and one reconciliation may need it for the Job, its config and the
   * edit check. It lives no longer than the pass, so a spec edited in place is never mistaken
   * for the one digested before.
   */
  public static final class SpecDigest implements java.util.function.Supplier<String> {
    private final ReLATrainingJobSpec spec;
    private String value;

    public SpecDigest(ReLATrainingJobSpec spec) {
      this.spec = spec;
    }

    @Override
    public String get() {
      if (value == null) {
        value = specHash(spec);
      }
      return value;
    }
  }

  private static String digest(ReLATrainingJobSpec spec) {
    try {
      // a sorted map (not a tree node) so the digest stays the one earlier versions wrote on their Jobs
      Map<?, ?> tree = JSON.convertValue(spec, Map.class);
      tree.remove("suspend");
      return Sha256.hex(JSON.writeValueAsString(tree), 16);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

}
