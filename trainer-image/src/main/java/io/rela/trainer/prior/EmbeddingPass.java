package io.rela.trainer.prior;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.rela.trainer.data.ImageDataset;
import io.rela.trainer.data.Preprocess;
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
    EmbeddingCache.ShardWriter writer = null;
    int d = 1;
    try (PriorModel prior = opener.get()) {
      Preprocess pre = prior.preprocess();
      for (long from = range[0]; from < range[1]; from += BATCH) {
        int n = (int) Math.min(BATCH, range[1] - from);
        try (NDManager m = manager.newSubManager()) {
          NDArray x = m.create(pre.batch(data, Math.toIntExact(from), n), new Shape(n, pre.channels(), pre.size(), pre.size()));
          NDArray y = prior.embed(x);
          y.attach(m);
          if (writer == null) {
            d = (int) y.getShape().get(1);
            writer = cache.openShard(key, shard, shards, count, d);
          }
          writer.append(y.toFloatArray(), n);
        }
      }
      if (writer == null) {
        // an empty shard (more shards than samples): a valid file of zero rows
        writer = cache.openShard(key, shard, shards, 0, d);
      }
      boolean mine = writer.publish(info);
      return new Result(count, d, (System.nanoTime() - t0) / 1e9, mine);
    } finally {
      if (writer != null) {
        writer.close();
      }
    }
  }
}
