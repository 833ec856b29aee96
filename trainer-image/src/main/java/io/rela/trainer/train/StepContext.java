package io.rela.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.rela.trainer.data.Batch;
import io.rela.trainer.model.Networks;
import io.rela.trainer.optim.AdamW;
import io.rela.trainer.byol.Ema;
import io.rela.trainer.model.Losses;
import java.util.List;
import java.util.Map;

/** What both phases' steps share: the networks, optimiser, EMA and the batch tensors. */
public final class StepContext {

  final Networks nets;
  final AdamW optimizer;
  final ParameterStore store;
  final double momentum;
  final boolean onlineClassifier;
  final int numClasses;
  private final List<Parameter> onlineBackbone;
  private final List<Parameter> onlineProjector;
  private final List<Parameter> targetBackbone;
  private final List<Parameter> targetProjector;

  public StepContext(Networks nets, AdamW optimizer, double momentum, boolean onlineClassifier, int numClasses) {
    this.nets = nets;
    this.optimizer = optimizer;
    this.store = new ParameterStore(nets.manager(), false);
    this.momentum = momentum;
    this.onlineClassifier = onlineClassifier;
    this.numClasses = numClasses;
    this.onlineBackbone = Networks.parameters(nets.part(Networks.BACKBONE));
    this.onlineProjector = Networks.parameters(nets.part(Networks.PROJECTOR));
    this.targetBackbone = Networks.parameters(nets.part(Networks.TARGET_BACKBONE));
    this.targetProjector = Networks.parameters(nets.part(Networks.TARGET_PROJECTOR));
  }

  NDArray forward(String part, NDArray x, boolean training) {
    return nets.part(part).forward(store, new NDList(x), training).singletonOrThrow();
  }

  NDArray images(NDManager m, float[] data, int n) {
    var shape = nets.architecture();
    return m.create(data, new Shape(n, shape.channels(), shape.imageSize(), shape.imageSize()));
  }

  /** The online classifier's loss on detached features, and its correct count into {@code correct[0]}. */
  NDArray classifierLoss(NDManager m, NDArray features, Batch b, long[] correct) {
    NDArray labels = m.create(b.labels());
    NDArray logits = forward(Networks.CLASSIFIER, features.stopGradient(), true);
    correct[0] = logits.argMax(1).toType(ai.djl.ndarray.types.DataType.INT32, false).eq(labels).countNonzero().getLong();
    return Losses.crossEntropy(logits, labels, numClasses);
  }

  void step(Map<String, Parameter> params) {
    optimizer.step(params);
    Ema.update(targetBackbone, onlineBackbone, momentum);
    Ema.update(targetProjector, onlineProjector, momentum);
  }
}
