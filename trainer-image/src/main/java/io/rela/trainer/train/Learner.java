package io.rela.trainer.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.rela.trainer.model.Networks;
import io.rela.trainer.optim.AdamW;
import io.rela.trainer.rela.TargetReducer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * What learns: the networks, AdamW over them, one step context per device, data parallel
 * over the devices, and the two phases (RELA.md sections 4 and 6). Training and the
 * benchmarks assemble it here alike, so a benchmark measures what training runs.
 */
public final class Learner implements AutoCloseable {

  /**
   * The knobs of the assembly.
   *
   * @param arch the backbone
   * @param hiddenDim the heads' hidden width
   * @param projectionDim the heads' output width
   * @param targetDim the ReLA transfer layer's output (k)
   * @param classes the online classifier's classes
   * @param trainTransfer whether the transfer layer is trained
   * @param seed initialisation seed
   * @param learningRate AdamW learning rate
   * @param weightDecay AdamW weight decay
   * @param momentum EMA momentum of the BYOL target networks
   * @param onlineClassifier whether the online classifier trains
   */
  public record Config(Networks.Architecture arch, int hiddenDim, int projectionDim, int targetDim, int classes,
      boolean trainTransfer, long seed, double learningRate, double weightDecay, double momentum,
      boolean onlineClassifier) {}

  public final Networks nets;
  public final AdamW optimizer;
  public final DataParallel devices;
  public final ReLAPhase rela;
  public final ByolPhase byol;

  private Learner(Networks nets, AdamW optimizer, DataParallel devices, ReLAPhase rela, ByolPhase byol) {
    this.nets = nets;
    this.optimizer = optimizer;
    this.devices = devices;
    this.rela = rela;
    this.byol = byol;
  }

  /**
   * Builds everything on {@code manager}'s device (the model of record), with a replica on each
   * of {@code replicaDevices}. {@code restore}, when given, loads a checkpoint into the networks
   * and optimiser before the replicas receive their first copy of the weights.
   */
  public static Learner assemble(NDManager manager, Config c, TargetReducer.Targets targets, List<Device> replicaDevices,
      BiConsumer<Networks, AdamW> restore) {
    Networks nets = new Networks(manager, c.arch(), c.hiddenDim(), c.projectionDim(), c.targetDim(), c.classes(),
        c.trainTransfer(), c.seed());
    AdamW optimizer = new AdamW(nets.manager(), c.learningRate(), c.weightDecay());
    if (restore != null) {
      restore.accept(nets, optimizer);
    }
    StepContext primary = new StepContext(nets, optimizer, c.momentum(), c.onlineClassifier(), c.classes());
    List<StepContext> replicas = new ArrayList<>();
    for (Device d : replicaDevices) {
      // under the primary's manager, so the replicas go when the primary does
      Networks r = new Networks(nets.manager().newSubManager(d), c.arch(), c.hiddenDim(), c.projectionDim(),
          c.targetDim(), c.classes(), c.trainTransfer(), c.seed());
      replicas.add(new StepContext(r, null, c.momentum(), c.onlineClassifier(), c.classes()));
    }
    DataParallel devices = new DataParallel(primary, replicas);
    return new Learner(nets, optimizer, devices, new ReLAPhase(devices, targets, c.trainTransfer()), new ByolPhase(devices));
  }

  @Override
  public void close() {
    optimizer.close();
    nets.close();
  }
}
