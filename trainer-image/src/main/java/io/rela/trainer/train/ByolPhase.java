package io.rela.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.rela.trainer.byol.ByolLoss;
import io.rela.trainer.data.Batch;
import io.rela.trainer.model.Networks;
import java.util.ArrayList;
import java.util.List;

/**
 * Phase B, BYOL: online backbone -> projector -> predictor against the EMA target's
 * projections of the other view, loss 0.5 * [ncs(p1, z2) + ncs(p2, z1)].
 */
public final class ByolPhase {

  private final DataParallel devices;
  private final List<String> parts;

  public ByolPhase(DataParallel devices) {
    this.devices = devices;
    List<String> p = new ArrayList<>(List.of(Networks.BACKBONE, Networks.PROJECTOR, Networks.PREDICTOR));
    if (devices.primary().onlineClassifier) {
      p.add(Networks.CLASSIFIER);
    }
    this.parts = List.copyOf(p);
  }

  public StepResult step(Batch b) {
    return devices.step(parts, b, this::backward);
  }

  private DataParallel.Pending backward(StepContext ctx, Batch b, float scale, GradientCollector gc) {
    int n = b.size();
    NDManager m = ctx.nets.manager().newSubManager();
    NDArray x1 = ctx.images(m, b.view1(), n);
    NDArray x2 = ctx.images(m, b.view2(), n);
    // the target runs in training mode (batch statistics) but gives no gradient
    NDArray z1 = ctx.forward(Networks.TARGET_PROJECTOR, ctx.forward(Networks.TARGET_BACKBONE, x1, true), true).stopGradient();
    NDArray z2 = ctx.forward(Networks.TARGET_PROJECTOR, ctx.forward(Networks.TARGET_BACKBONE, x2, true), true).stopGradient();
    long[] correct = {0};
    NDArray h1 = ctx.forward(Networks.BACKBONE, x1, true);
    NDArray h2 = ctx.forward(Networks.BACKBONE, x2, true);
    NDArray p1 = ctx.forward(Networks.PREDICTOR, ctx.forward(Networks.PROJECTOR, h1, true), true);
    NDArray p2 = ctx.forward(Networks.PREDICTOR, ctx.forward(Networks.PROJECTOR, h2, true), true);
    NDArray l = ByolLoss.of(p1, p2, z1, z2);
    NDArray total = ctx.onlineClassifier ? l.add(ctx.classifierLoss(m, h1, b, correct)) : l;
    gc.backward(scale == 1f ? total : total.mul(scale));
    return new DataParallel.Pending(l, correct, m);
  }
}
