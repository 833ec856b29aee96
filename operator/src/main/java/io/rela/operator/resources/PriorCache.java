package io.rela.operator.resources;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rela.api.ReLATrainingJob;
import io.rela.api.contract.Sha256;
import io.rela.api.spec.ReLATrainingJobSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operator's index of finished embeddings: a key derived from the spec (dataset, prior,
 * input size), recorded in a per-namespace ConfigMap when an embedding stage succeeds, so a
 * later job with the same spec skips its embedding stage. It only decides whether to run that
 * stage: the trainer addresses the cache by a key made from content
 * ({@link io.rela.api.contract.PriorCacheKey}: file digests, the source job's UID) and embeds
 * in the train pod whatever the entry lacks, so a prior file replaced at the same path is never
 * served stale.
 */
public final class PriorCache {

  /** Index of finished embeddings in a namespace: data key = cache key, value = the job that made it. */
  public static final String INDEX_CONFIG_MAP = "rela-prior-cache-index";
  /** Entries the index takes before the operator stops adding (keys ~70 bytes, entries ~100: well under 1 MiB). */
  public static final int MAX_INDEX_ENTRIES = 2000;
  private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private PriorCache() {}

  /**
   * The index key of the job's embedding: a digest of the spec fields that name its dataset and
   * prior. Meaningful only with a shared cache claim ({@link #shared}).
   */
  public static String indexKey(ReLATrainingJob job) {
    ReLATrainingJobSpec s = job.getSpec();
    Map<String, Object> id = new LinkedHashMap<>();
    id.put("format", s.dataset.format);
    id.put("path", s.dataset.path);
    id.put("volume", s.dataset.volume == null ? null : JSON.convertValue(s.dataset.volume.getPersistentVolumeClaim(), Map.class));
    id.put("imageSize", s.dataset.imageSize);
    id.put("channels", s.dataset.channels);
    id.put("maxSamples", s.training == null ? null : s.training.maxSamples);
    id.put("prior", s.prior == null ? null : s.prior.type);
    id.put("uri", s.prior == null ? null : s.prior.uri);
    id.put("jobRef", s.prior == null || s.prior.jobRef == null ? null : s.prior.jobRef.name);
    id.put("inputSize", s.prior == null ? null : s.prior.inputSize);
    id.put("shards", s.prior == null ? null : s.prior.shards);
    boolean architectureMatters = s.prior == null || s.prior.type == null || s.prior.type == io.rela.api.spec.PriorType.Random;
    id.put("backbone", architectureMatters && s.model != null ? s.model.backbone : null);
    id.put("cifarStem", architectureMatters && s.model != null ? s.model.cifarStem : null);
    id.put("seed", architectureMatters && s.training != null ? s.training.seed : null);
    try {
      return Sha256.hex(JSON.writeValueAsString(id), Sha256.KEY_HEX);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether the job's embeddings can be shared (it names a cache claim). */
  public static boolean shared(ReLATrainingJob job) {
    return job.getSpec().prior != null && job.getSpec().prior.cacheClaimName != null;
  }

}
