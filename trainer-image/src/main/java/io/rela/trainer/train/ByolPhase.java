package io.rela.trainer.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import io.rela.trainer.data.Batch;
import io.rela.trainer.model.Networks;
import io.rela.trainer.rela.Losses;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Phase B, BYOL: online backbone -> projector -> predictor against the EMA target's
 * projections of the other view, loss 0.5 * [ncs(p1, z2) + ncs(p2, z1)].
 */
public final class ByolPhase {

  private final StepContext ctx;
  private final Map<String, Parameter> params;

  public ByolPhase(StepContext ctx) {
    this.ctx = ctx;
    List<String> parts = new ArrayList<>(List.of(Networks.BACKBONE, Networks.PROJECTOR, Networks.PREDICTOR));
    if (ctx.onlineClassifier) {
      parts.add(Networks.CLASSIFIER);
    }
    this.params = ctx.nets.trainable(parts);
  }

  public StepResult step(Batch b) {
    int n = b.size();
    try (NDManager m = ctx.nets.manager().newSubManager()) {
      NDArray x1 = ctx.images(m, b.view1(), n);
      NDArray x2 = ctx.images(m, b.view2(), n);
      // the target runs in training mode (batch statistics) but outside the gradient tape
      NDArray z1 = ctx.forward(Networks.TARGET_PROJECTOR, ctx.forward(Networks.TARGET_BACKBONE, x1, true), true);
      NDArray z2 = ctx.forward(Networks.TARGET_PROJECTOR, ctx.forward(Networks.TARGET_BACKBONE, x2, true), true);
      long[] correct = {0};
      double loss;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray h1 = ctx.forward(Networks.BACKBONE, x1, true);
        NDArray h2 = ctx.forward(Networks.BACKBONE, x2, true);
        NDArray p1 = ctx.forward(Networks.PREDICTOR, ctx.forward(Networks.PROJECTOR, h1, true), true);
        NDArray p2 = ctx.forward(Networks.PREDICTOR, ctx.forward(Networks.PROJECTOR, h2, true), true);
        NDArray l = Losses.byolLoss(p1, p2, z1, z2);
        NDArray total = ctx.onlineClassifier ? l.add(ctx.classifierLoss(m, h1, b, correct)) : l;
        gc.backward(total);
        loss = l.getFloat();
      }
      ctx.step(params);
      return new StepResult(loss, correct[0]);
    }
  }
}
