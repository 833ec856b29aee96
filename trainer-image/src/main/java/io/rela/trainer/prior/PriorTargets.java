package io.rela.trainer.prior;

import io.rela.trainer.BadInputException;
import io.rela.trainer.rela.RowBlocks;
import io.rela.trainer.rela.TargetReducer;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * The ReLA targets of a training set: its prior embeddings from the cache, reduced to the target
 * dimension (streamed PCA and standardisation, {@link TargetReducer}). Shards that are missing,
 * torn or fail their checksum are embedded first: an operator that skipped the embedding stage on
 * a cache hit, or a damaged file, never blocks training and is never trusted. A shard found
 * damaged while it is read is discarded and embedded once more.
 *
 * <p>It lives beside the cache rather than in {@code rela/} because {@code rela/} sits below
 * {@code prior/}: the cache stores its rows as {@link RowBlocks}.
 */
public final class PriorTargets {

  /** Embeds shard {@code shard} of {@code shards} into the cache. */
  public interface ShardEmbedder {
    void embed(int shard, int shards) throws IOException;
  }

  /** The targets and the dimension of the prior they were reduced from. */
  public record Built(TargetReducer.Targets targets, int priorDimension) {}

  private PriorTargets() {}

  /**
   * @param targetDim spec.rela.targetDim, or null for min(the student's feature dimension, the prior's)
   */
  public static Built build(EmbeddingCache cache, String key, int shards, long samples, Integer targetDim,
      int featureDim, ShardEmbedder embedder, Consumer<String> log) throws IOException {
    for (int attempt = 0; ; attempt++) {
      for (int i = 0; i < shards; i++) {
        if (!cache.hasShard(key, i, shards, samples)) {
          log.accept("prior embeddings " + key + ": shard " + i + "/" + shards + " is missing or damaged; embedding it now");
          embedder.embed(i, shards);
        }
      }
      RowBlocks y = cache.rows(key, shards, samples);
      if (y.n() != samples) {
        throw new BadInputException(cache.dir(key) + ": holds " + y.n() + " embeddings for " + samples + " samples");
      }
      int k = targetDim != null ? targetDim : Math.min(featureDim, y.d());
      if (k > y.d()) {
        throw new BadInputException("spec.rela.targetDim: " + k + " exceeds the prior's dimension " + y.d());
      }
      try {
        return new Built(TargetReducer.reduce(y, k), y.d());
      } catch (EmbeddingCache.CorruptShardException e) {
        if (attempt > 0) {
          throw e;
        }
        log.accept("prior embeddings " + key + ": " + e.getMessage() + "; discarding it and embedding it again");
        cache.discard(e.file);
      }
    }
  }
}
