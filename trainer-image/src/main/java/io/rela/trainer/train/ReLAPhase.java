package io.rela.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.rela.trainer.data.Batch;
import io.rela.trainer.model.Networks;
import io.rela.trainer.rela.ReLALoss;
import io.rela.trainer.rela.TargetReducer;
import java.util.ArrayList;
import java.util.List;

/**
 * Phase A: the backbone learns features that the transfer layer maps onto the prior's
 * targets, loss 0.5 * [(1 - cos(g(h1), T)) + (1 - cos(g(h2), T))]. The BYOL target keeps
 * following the online networks by EMA so it is warm when phase B starts.
 */
public final class ReLAPhase {

  private final DataParallel devices;
  private final TargetReducer.Targets targets;
  private final List<String> parts;

  public ReLAPhase(DataParallel devices, TargetReducer.Targets targets, boolean trainTransfer) {
    this.devices = devices;
    this.targets = targets;
    List<String> p = new ArrayList<>(List.of(Networks.BACKBONE));
    if (trainTransfer) {
      p.add(Networks.TRANSFER);
    }
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
    int k = targets.k();
    float[] t = new float[n * k];
    for (int i = 0; i < n; i++) {
      targets.table().copyRow(b.indices()[i], t, i * k);
    }
    NDManager m = ctx.nets.manager().newSubManager();
    NDArray x1 = ctx.images(m, b.view1(), n);
    NDArray x2 = ctx.images(m, b.view2(), n);
    NDArray tb = m.create(t, new Shape(n, k));
    long[] correct = {0};
    NDArray h1 = ctx.forward(Networks.BACKBONE, x1, true);
    NDArray h2 = ctx.forward(Networks.BACKBONE, x2, true);
    NDArray l = ReLALoss.of(ctx.forward(Networks.TRANSFER, h1, true), ctx.forward(Networks.TRANSFER, h2, true), tb);
    NDArray total = ctx.onlineClassifier ? l.add(ctx.classifierLoss(m, h1, b, correct)) : l;
    gc.backward(scale == 1f ? total : total.mul(scale));
    return new DataParallel.Pending(l, correct, m);
  }
}
