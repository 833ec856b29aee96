package io.rela.trainer.prior;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.rela.trainer.data.Preprocess;
import io.rela.trainer.model.Networks;
import io.rela.trainer.train.Checkpoint;

/**
 * A prior with the student's architecture: either randomly initialised with a seed (the
 * paper's "rand" prior) or the backbone another job trained (transport). It sees images as the
 * student does (same channels and normalisation), at the prior's input size.
 */
public final class BackbonePrior implements PriorModel {

  /** Seeds the Random prior apart from the student, whose seed is the job's. */
  public static final long SEED_OFFSET = 1_000_003L;

  private final NDManager manager;
  private final Block backbone;
  private final ParameterStore store;
  private final Preprocess preprocess;

  private BackbonePrior(NDManager manager, Block backbone, Preprocess preprocess) {
    this.manager = manager;
    this.backbone = backbone;
    this.store = new ParameterStore(manager, false);
    this.preprocess = preprocess;
  }

  public static BackbonePrior random(NDManager parent, Networks.Architecture arch, long seed, Preprocess pre) {
    NDManager m = parent.newSubManager();
    Networks.Architecture at = new Networks.Architecture(arch.backbone(), arch.cifarStem(), arch.channels(), pre.size());
    Block b = Networks.randomBackbone(m, at, seed + SEED_OFFSET);
    return new BackbonePrior(m, b, pre);
  }

  public static BackbonePrior fromCheckpoint(NDManager parent, Checkpoint.Loaded ckpt, Preprocess pre) {
    NDManager m = parent.newSubManager();
    Checkpoint.Meta meta = ckpt.meta;
    Networks.Architecture arch = new Networks.Architecture(io.rela.api.spec.Backbone.valueOf(meta.backbone()),
        meta.cifarStem(), meta.channels(), pre.size());
    Block b = Networks.randomBackbone(m, arch, 0);
    ckpt.restoreBackbone(b, m);
    return new BackbonePrior(m, b, pre);
  }

  @Override
  public Preprocess preprocess() {
    return preprocess;
  }

  @Override
  public NDArray embed(NDArray images) {
    NDList out = backbone.forward(store, new NDList(images), false);
    return out.singletonOrThrow();
  }

  @Override
  public void close() {
    manager.close();
  }
}
