package io.rela.trainer.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.rela.api.spec.Backbone;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every network of a ReLA + BYOL run: the online backbone, projector and predictor; the BYOL
 * target copies of backbone and projector (moved only by EMA); the ReLA transfer layer
 * (features -> k targets); and the optional online classifier.
 */
public final class Networks implements AutoCloseable {

  /** Names of the parts, as they appear in checkpoints and parameter groups. */
  public static final String BACKBONE = "backbone";
  public static final String PROJECTOR = "projector";
  public static final String PREDICTOR = "predictor";
  public static final String TRANSFER = "transfer";
  public static final String CLASSIFIER = "classifier";
  public static final String TARGET_BACKBONE = "target_backbone";
  public static final String TARGET_PROJECTOR = "target_projector";

  private final NDManager manager;
  private final Map<String, Block> parts = new LinkedHashMap<>();
  private final Architecture arch;

  /**
   * What a backbone is, so a checkpoint can be rebuilt as a prior.
   *
   * @param backbone architecture
   * @param cifarStem small-image stem
   * @param channels input channels
   * @param imageSize input side
   */
  public record Architecture(Backbone backbone, boolean cifarStem, int channels, int imageSize) {
    public int featureDim() {
      return Backbones.featureDim(backbone);
    }

    public Shape inputShape() {
      return new Shape(1, channels, imageSize, imageSize);
    }
  }

  /**
   * Builds and initialises all parts with {@code seed}. The target copies start equal to the
   * online networks; the transfer layer's gradient is only tracked when it is trained.
   */
  public Networks(NDManager parent, Architecture arch, int hiddenDim, int projectionDim, int targetDim,
      int numClasses, boolean trainTransfer, long seed) {
    this.manager = parent.newSubManager();
    this.arch = arch;
    int d = arch.featureDim();
    // the backbone first, from the seed alone: initialBackbone(seed) rebuilds exactly this one
    parts.put(BACKBONE, initialBackbone(manager, arch, seed));
    parts.put(PROJECTOR, init(Heads.mlp(hiddenDim, projectionDim), new Shape(2, d)));
    parts.put(PREDICTOR, init(Heads.mlp(hiddenDim, projectionDim), new Shape(2, projectionDim)));
    parts.put(TRANSFER, init(Heads.linear(targetDim), new Shape(2, d)));
    parts.put(CLASSIFIER, init(Heads.linear(numClasses), new Shape(2, d)));
    parts.put(TARGET_BACKBONE, init(Backbones.build(arch.backbone(), arch.cifarStem()), arch.inputShape()));
    parts.put(TARGET_PROJECTOR, init(Heads.mlp(hiddenDim, projectionDim), new Shape(2, d)));
    copy(BACKBONE, TARGET_BACKBONE);
    copy(PROJECTOR, TARGET_PROJECTOR);
    setTrainable(TARGET_BACKBONE, false);
    setTrainable(TARGET_PROJECTOR, false);
    setTrainable(TRANSFER, trainTransfer);
  }

  /**
   * The backbone a student seeded with {@code seed} starts from (the constructor builds its
   * backbone with this method, first after seeding): the Random prior, the evaluation's
   * untrained baseline, and the shell a checkpoint is restored into.
   */
  public static Block initialBackbone(NDManager manager, Architecture arch, long seed) {
    Engine.getInstance().setRandomSeed((int) seed);
    Block b = Backbones.build(arch.backbone(), arch.cifarStem());
    b.initialize(manager, DataType.FLOAT32, arch.inputShape());
    return b;
  }

  private Block init(Block block, Shape input) {
    block.initialize(manager, DataType.FLOAT32, input);
    return block;
  }

  public Block part(String name) {
    return parts.get(name);
  }

  public Architecture architecture() {
    return arch;
  }

  public List<String> partNames() {
    return new ArrayList<>(parts.keySet());
  }

  public NDManager manager() {
    return manager;
  }

  /** Every parameter of a part, gradient-tracked or not (BatchNorm statistics included), in a stable order. */
  public static List<Parameter> parameters(Block block) {
    List<Parameter> out = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      out.add(p.getValue());
    }
    return out;
  }

  /** The gradient-tracked parameters of the named parts, keyed by a stable id. */
  public Map<String, Parameter> trainable(List<String> names) {
    Map<String, Parameter> out = new LinkedHashMap<>();
    for (String name : names) {
      for (Pair<String, Parameter> p : parts.get(name).getParameters()) {
        if (p.getValue().requiresGradient()) {
          out.put(name + "/" + p.getKey(), p.getValue());
        }
      }
    }
    return out;
  }

  private void copy(String from, String to) {
    List<Parameter> src = parameters(parts.get(from));
    List<Parameter> dst = parameters(parts.get(to));
    for (int i = 0; i < src.size(); i++) {
      src.get(i).getArray().copyTo(dst.get(i).getArray());
    }
  }

  private void setTrainable(String name, boolean trainable) {
    for (Parameter p : parameters(parts.get(name))) {
      if (p.requiresGradient()) {
        NDArray a = p.getArray();
        a.setRequiresGradient(trainable);
      }
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
