package io.rela.trainer.rela;

import ai.djl.ndarray.NDArray;
import io.rela.trainer.model.Losses;

/** RELA.md section 4: how far the transferred features of both views are from the targets. */
public final class ReLALoss {

  private ReLALoss() {}

  /** 0.5 * [(1 - cos(g1, T)) + (1 - cos(g2, T))], mean over the batch. */
  public static NDArray of(NDArray g1, NDArray g2, NDArray targets) {
    NDArray l1 = Losses.cosine(g1, targets).neg().add(1f).mean();
    NDArray l2 = Losses.cosine(g2, targets).neg().add(1f).mean();
    return l1.add(l2).mul(0.5f);
  }
}
