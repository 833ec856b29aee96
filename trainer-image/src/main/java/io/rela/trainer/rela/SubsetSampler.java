package io.rela.trainer.rela;

import java.util.SplittableRandom;

/**
 * The dynamic subset: at the start of every epoch, floor(N * r) distinct indices drawn
 * uniformly at random, in random order. The draw depends only on (seed, epoch), so a resumed
 * run draws the same subsets as an uninterrupted one.
 */
public final class SubsetSampler {

  private final int n;
  private final double ratio;
  private final long seed;

  public SubsetSampler(int n, double ratio, long seed) {
    if (ratio <= 0 || ratio > 1) {
      throw new IllegalArgumentException("dataRatio must be in (0, 1], got " + ratio);
    }
    this.n = n;
    this.ratio = ratio;
    this.seed = seed;
  }

  public int drawSize() {
    return (int) Math.floor(n * ratio);
  }

  /** The indices of {@code epoch}: a partial Fisher-Yates shuffle of 0..N-1. */
  public int[] draw(int epoch) {
    int k = drawSize();
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ (0x5DEECE66DL + epoch));
    for (int i = 0; i < k; i++) {
      int j = i + rnd.nextInt(n - i);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    int[] out = new int[k];
    System.arraycopy(perm, 0, out, 0, k);
    return out;
  }
}
