package io.rela.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW whose state (first and second moments and step count per parameter) is visible, so a
 * checkpoint can hold it and a resumed run continues exactly. The update itself is the engine's
 * fused Adam kernel, which also clears the gradient.
 */
public final class AdamW {

  private final NDManager manager;
  private final float lr;
  private final float weightDecay;
  private final float beta1 = 0.9f;
  private final float beta2 = 0.999f;
  private final float eps = 1e-8f;
  private final Map<String, State> states = new LinkedHashMap<>();

  /** Moments and step count of one parameter. */
  public static final class State {
    public final NDArray mean;
    public final NDArray variance;
    public int steps;

    State(NDArray mean, NDArray variance, int steps) {
      this.mean = mean;
      this.variance = variance;
      this.steps = steps;
    }
  }

  public AdamW(NDManager parent, double lr, double weightDecay) {
    this.manager = parent.newSubManager();
    this.lr = (float) lr;
    this.weightDecay = (float) weightDecay;
  }

  /** One update of every given parameter from its gradient. */
  public void step(Map<String, Parameter> params) {
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      NDArray w = e.getValue().getArray();
      State s = states.computeIfAbsent(e.getKey(), k -> new State(zeros(w), zeros(w), 0));
      s.steps++;
      double c1 = 1 - Math.pow(beta1, s.steps);
      double c2 = 1 - Math.pow(beta2, s.steps);
      float corrected = (float) (lr * Math.sqrt(c2) / c1);
      NDArray grad = w.getGradient();
      w.getNDArrayInternal().adamUpdate(new NDList(w, grad, s.mean, s.variance), new NDList(w), lr, corrected,
          weightDecay, 1f, -1f, beta1, beta2, eps, true, true);
      grad.close();
    }
  }

  private NDArray zeros(NDArray like) {
    NDArray z = manager.zeros(like.getShape(), like.getDataType());
    return z;
  }

  public Map<String, State> states() {
    return states;
  }

  /** Restores a parameter's state from a checkpoint. */
  public void restore(String id, NDArray mean, NDArray variance, int steps) {
    mean.attach(manager);
    variance.attach(manager);
    states.put(id, new State(mean, variance, steps));
  }

  public void close() {
    manager.close();
  }
}
