package io.rela.trainer.byol;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import java.util.List;

/**
 * The BYOL target update: target = m * target + (1 - m) * online, in place, for the gradient
 * parameters (BatchNorm statistics of the target follow its own forward passes).
 */
public final class Ema {

  private Ema() {}

  public static void update(List<Parameter> target, List<Parameter> online, double m) {
    if (target.size() != online.size()) {
      throw new IllegalArgumentException("target and online networks differ: " + target.size() + " vs " + online.size() + " parameters");
    }
    float keep = (float) m;
    float take = (float) (1 - m);
    for (int i = 0; i < target.size(); i++) {
      if (!online.get(i).requiresGradient()) {
        continue;
      }
      NDArray t = target.get(i).getArray();
      NDArray o = online.get(i).getArray();
      try (NDArray scaled = o.mul(take)) {
        t.muli(keep).addi(scaled);
      }
    }
  }
}
