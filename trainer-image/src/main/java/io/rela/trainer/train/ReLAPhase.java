package io.rela.trainer.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import io.rela.trainer.data.Batch;
import io.rela.trainer.model.Networks;
import io.rela.trainer.rela.Losses;
import io.rela.trainer.rela.TargetReducer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Phase A: the backbone learns features that the transfer layer maps onto the prior's
 * targets, loss 0.5 * [(1 - cos(g(h1), T)) + (1 - cos(g(h2), T))]. The BYOL target keeps
 * following the online networks by EMA so it is warm when phase B starts.
 */
public final class ReLAPhase {

  private final StepContext ctx;
  private final TargetReducer.Targets targets;
  private final Map<String, Parameter> params;

  public ReLAPhase(StepContext ctx, TargetReducer.Targets targets, boolean trainTransfer) {
    this.ctx = ctx;
    this.targets = targets;
    List<String> parts = new ArrayList<>(List.of(Networks.BACKBONE));
    if (trainTransfer) {
      parts.add(Networks.TRANSFER);
    }
    if (ctx.onlineClassifier) {
      parts.add(Networks.CLASSIFIER);
    }
    this.params = ctx.nets.trainable(parts);
  }

  public StepResult step(Batch b) {
    int n = b.size();
    int k = targets.k();
    float[] t = new float[n * k];
    for (int i = 0; i < n; i++) {
      System.arraycopy(targets.table(), b.indices()[i] * k, t, i * k, k);
    }
    try (NDManager m = ctx.nets.manager().newSubManager()) {
      NDArray x1 = ctx.images(m, b.view1(), n);
      NDArray x2 = ctx.images(m, b.view2(), n);
      NDArray tb = m.create(t, new Shape(n, k));
      long[] correct = {0};
      double loss;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray h1 = ctx.forward(Networks.BACKBONE, x1, true);
        NDArray h2 = ctx.forward(Networks.BACKBONE, x2, true);
        NDArray l = Losses.relaLoss(ctx.forward(Networks.TRANSFER, h1, true), ctx.forward(Networks.TRANSFER, h2, true), tb);
        NDArray total = ctx.onlineClassifier ? l.add(ctx.classifierLoss(m, h1, b, correct)) : l;
        gc.backward(total);
        loss = l.getFloat();
      }
      ctx.step(params);
      return new StepResult(loss, correct[0]);
    }
  }
}
