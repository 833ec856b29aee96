package io.rela.trainer.prior;

import ai.djl.ndarray.NDManager;
import io.rela.trainer.data.ImageDataset;
import io.rela.trainer.model.BatchedForward;
import java.io.IOException;
import java.util.Map;
import java.util.function.Supplier;

/**
 * RELA.md section 1: every sample of one shard through the frozen prior, with its
 * deterministic preprocessing, streamed batch by batch into the cache (no augmentation).
 */
public final class EmbeddingPass {

  private static final int BATCH = 256;

  /**
   * What one shard's pass did.
   *
   * @param samples rows embedded
   * @param dimension prior dimension d
   * @param seconds wall time
   * @param published whether this process's file is the one in the cache (false: another writer published first)
   */
  public record Result(long samples, int dimension, double seconds, boolean published) {}

  private EmbeddingPass() {}

  public static Result run(NDManager manager, Supplier<PriorModel> opener, ImageDataset data, EmbeddingCache cache,
      String key, int shard, int shards, Map<String, Object> info) throws IOException {
    long[] range = EmbeddingCache.shardRange(data.size(), shard, shards);
    long count = range[1] - range[0];
    long t0 = System.nanoTime();
    EmbeddingCache.ShardWriter[] writer = {null};
    int[] d = {1};
    try (PriorModel prior = opener.get()) {
      BatchedForward.run(manager, data, prior.preprocess(), range[0], range[1], BATCH, prior::embed, (first, rows, n, dim) -> {
        if (writer[0] == null) {
          d[0] = dim;
          writer[0] = cache.openShard(key, shard, shards, count, dim);
        }
        writer[0].append(rows, n);
      });
      if (writer[0] == null) {
        // an empty shard (more shards than samples): a valid file of zero rows
        writer[0] = cache.openShard(key, shard, shards, 0, d[0]);
      }
      boolean mine = writer[0].publish(info);
      return new Result(count, d[0], (System.nanoTime() - t0) / 1e9, mine);
    } finally {
      if (writer[0] != null) {
        writer[0].close();
      }
    }
  }
}
