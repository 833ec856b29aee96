package io.rela.trainer.data;

import io.rela.trainer.augment.Augmentation;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Decodes and augments batches on a worker pool, a few batches ahead of the engine. Each
 * sample's random stream is derived from (seed, epoch, sample index), so the views are the
 * same whatever the number of workers or their timing: a resumed run sees the same data.
 */
public final class BatchLoader implements AutoCloseable {

  private final ImageDataset data;
  private final int outSize;
  private final int workers;
  private final long seed;
  private final ExecutorService pool;

  public BatchLoader(ImageDataset data, int outSize, int workers, long seed) {
    this.data = data;
    this.outSize = outSize;
    this.workers = workers;
    this.seed = seed;
    this.pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "rela-loader");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Iterates the samples of {@code order} in full batches (a short last batch is dropped),
   * starting at batch {@code firstBatch}.
   */
  public Iterator<Batch> epoch(int epoch, int[] order, int batchSize, int firstBatch, Augmentation view1,
      Augmentation view2) {
    int batches = order.length / batchSize;
    int ahead = Math.max(2, workers * 2);
    return new Iterator<>() {
      private final Deque<CompletableFuture<Batch>> queue = new ArrayDeque<>();
      private int submitted = firstBatch;
      private int taken = firstBatch;

      private void fill() {
        while (submitted < batches && queue.size() < ahead) {
          int b = submitted++;
          queue.add(CompletableFuture.supplyAsync(() -> build(epoch, order, b * batchSize, batchSize, view1, view2), pool));
        }
      }

      @Override
      public boolean hasNext() {
        return taken < batches;
      }

      @Override
      public Batch next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        fill();
        taken++;
        try {
          Batch batch = queue.poll().join();
          fill();
          return batch;
        } catch (CompletionException e) {
          throw e.getCause() instanceof RuntimeException re ? re : e;
        }
      }
    };
  }

  Batch build(int epoch, int[] order, int from, int n, Augmentation view1, Augmentation view2) {
    int c = data.channels();
    int stride = c * outSize * outSize;
    float[] v1 = new float[n * stride];
    float[] v2 = new float[n * stride];
    int[] idx = new int[n];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      int sample = order[from + i];
      idx[i] = sample;
      labels[i] = data.label(sample);
      // both views crop from the decoded original, at its own resolution
      ImageDataset.Image img = data.read(sample);
      SplittableRandom rnd = sampleRandom(seed, epoch, sample);
      view1.apply(img.chw(), c, img.h(), img.w(), rnd, v1, i * stride);
      view2.apply(img.chw(), c, img.h(), img.w(), rnd, v2, i * stride);
    }
    return new Batch(idx, v1, v2, labels);
  }

  /** The random stream of one sample in one epoch. */
  public static SplittableRandom sampleRandom(long seed, int epoch, int sample) {
    long h = seed * 0x9E3779B97F4A7C15L + epoch * 0xC2B2AE3D27D4EB4FL + sample * 0x165667B19E3779F9L;
    return new SplittableRandom(h);
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
