package io.rela.trainer.model;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;

/** The BYOL heads and the small linear maps around the backbone. */
public final class Heads {

  private Heads() {}

  /** Projector or predictor: Linear (no bias) -> BatchNorm -> ReLU -> Linear. */
  public static Block mlp(int hidden, int out) {
    return new SequentialBlock()
        .add(Linear.builder().setUnits(hidden).optBias(false).build())
        .add(BatchNorm.builder().build())
        .add(Activation.reluBlock())
        .add(Linear.builder().setUnits(out).build());
  }

  public static Block linear(int out) {
    return Linear.builder().setUnits(out).build();
  }
}
