package io.rela.trainer.rela;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.ConstantInitializer;
import java.util.List;
import org.junit.jupiter.api.Test;
import io.rela.trainer.byol.ByolLoss;
import io.rela.trainer.byol.Ema;
import io.rela.trainer.model.Losses;

class LossesAndEmaTest {

  @Test
  void cosineOfKnownVectors() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.create(new float[] {1, 0, 3, 4}, new Shape(2, 2));
      NDArray b = m.create(new float[] {1, 1, 3, 4}, new Shape(2, 2));
      float[] c = Losses.cosine(a, b).toFloatArray();
      assertThat(c[0]).isCloseTo((float) (1 / Math.sqrt(2)), within(1e-6f));
      assertThat(c[1]).isCloseTo(1f, within(1e-6f));
    }
  }

  @Test
  void relaLossIsZeroOnTargetAndTwoOpposite() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray t = m.create(new float[] {1, 2, -3, 0.5f}, new Shape(2, 2));
      assertThat(ReLALoss.of(t, t.mul(2), t).getFloat()).isCloseTo(0f, within(1e-6f));
      assertThat(ReLALoss.of(t.neg(), t.neg(), t).getFloat()).isCloseTo(2f, within(1e-6f));
      // one view on target, one orthogonal: 0.5 * (0 + 1)
      NDArray e1 = m.create(new float[] {1, 0}, new Shape(1, 2));
      NDArray e2 = m.create(new float[] {0, 1}, new Shape(1, 2));
      assertThat(ReLALoss.of(e1, e2, e1).getFloat()).isCloseTo(0.5f, within(1e-6f));
    }
  }

  @Test
  void byolLossIsMinusOneForAlignedPairs() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray p = m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
      assertThat(ByolLoss.of(p, p, p.mul(3), p).getFloat()).isCloseTo(-1f, within(1e-6f));
    }
  }

  @Test
  void crossEntropyOfUniformLogitsIsLogClasses() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray logits = m.zeros(new Shape(3, 4));
      NDArray labels = m.create(new int[] {0, 1, 3});
      assertThat(Losses.crossEntropy(logits, labels, 4).getFloat()).isCloseTo((float) Math.log(4), within(1e-6f));
    }
  }

  @Test
  void emaMovesTheTargetOnePercentTowardsTheOnline() {
    try (NDManager m = NDManager.newBaseManager()) {
      Parameter target = param(m, "t", 1f);
      Parameter online = param(m, "o", 3f);
      Ema.update(List.of(target), List.of(online), 0.99);
      // 0.99 * 1 + 0.01 * 3 = 1.02
      for (float v : target.getArray().toFloatArray()) {
        assertThat(v).isCloseTo(1.02f, within(1e-6f));
      }
      assertThat(online.getArray().toFloatArray()[0]).isEqualTo(3f);
    }
  }

  private static Parameter param(NDManager m, String name, float value) {
    Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT)
        .optInitializer(new ConstantInitializer(value)).build();
    p.setShape(new Shape(2, 3));
    p.initialize(m, DataType.FLOAT32);
    return p;
  }
}
