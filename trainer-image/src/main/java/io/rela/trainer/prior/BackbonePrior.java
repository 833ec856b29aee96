package io.rela.trainer.prior;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.rela.trainer.data.Preprocess;
import io.rela.trainer.model.Networks;
import io.rela.trainer.checkpoint.Checkpoint;

/**
 * A prior with a backbone of this project: the student's own initial network (the reference's
 * "rand" prior: a frozen copy, in eval mode, of the backbone the student starts from), an
 * independently seeded one, or the backbone another job trained (transport).
 */
public final class BackbonePrior implements PriorModel {

  /** Seeds the Independent random prior apart from the student, whose seed is the job's. */
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

  /** The backbone a student seeded with {@code seed} starts from (see {@link Networks#initialBackbone}). */
  public static BackbonePrior studentInit(NDManager parent, Networks.Architecture arch, long seed, Preprocess pre) {
    NDManager m = parent.newSubManager();
    return new BackbonePrior(m, Networks.initialBackbone(m, atSize(arch, pre), seed), pre);
  }

  /** A network of the student's architecture seeded apart from it. */
  public static BackbonePrior independent(NDManager parent, Networks.Architecture arch, long seed, Preprocess pre) {
    NDManager m = parent.newSubManager();
    return new BackbonePrior(m, Networks.initialBackbone(m, atSize(arch, pre), seed + SEED_OFFSET), pre);
  }

  private static Networks.Architecture atSize(Networks.Architecture arch, Preprocess pre) {
    return new Networks.Architecture(arch.backbone(), arch.cifarStem(), arch.channels(), pre.size());
  }

  public static BackbonePrior fromCheckpoint(NDManager parent, Checkpoint.Loaded ckpt, Preprocess pre) {
    NDManager m = parent.newSubManager();
    Checkpoint.Meta meta = ckpt.meta;
    Networks.Architecture arch = new Networks.Architecture(io.rela.api.spec.Backbone.valueOf(meta.backbone()),
        meta.cifarStem(), meta.channels(), pre.size());
    Block b = Networks.initialBackbone(m, arch, 0);
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
