package io.rela.trainer.byol;

import ai.djl.ndarray.NDArray;
import io.rela.trainer.model.Losses;

/** RELA.md section 6: BYOL's symmetric negative cosine between predictions and target projections. */
public final class ByolLoss {

  private ByolLoss() {}

  /** 0.5 * [ncs(p1, z2) + ncs(p2, z1)], ncs = -cos averaged over the batch. */
  public static NDArray of(NDArray p1, NDArray p2, NDArray z1, NDArray z2) {
    NDArray a = Losses.cosine(p1, z2).mean().neg();
    NDArray b = Losses.cosine(p2, z1).mean().neg();
    return a.add(b).mul(0.5f);
  }
}
