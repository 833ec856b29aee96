package io.rela.trainer.prior;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.rela.trainer.BadInputException;
import io.rela.trainer.data.Preprocess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A TorchScript file whose {@code forward(images)} returns embeddings (CLIP's image tower, any
 * torchvision model exported with torch.jit), loaded by DJL's PyTorch engine. Images arrive as
 * 3-channel, ImageNet-normalised crops of the prior's input size.
 */
public final class TorchScriptPrior implements PriorModel {

  private final Path file;
  private final Model model;
  private final Block block;
  private final ParameterStore store;
  private final Preprocess preprocess;

  private TorchScriptPrior(Path file, Model model, Preprocess preprocess) {
    this.file = file;
    this.model = model;
    this.block = model.getBlock();
    this.store = new ParameterStore(model.getNDManager(), false);
    this.preprocess = preprocess;
  }

  public static TorchScriptPrior load(Path file, int inputSize) {
    if (!Files.isRegularFile(file)) {
      throw new BadInputException("spec.prior.uri: " + file + " does not exist");
    }
    Model model = Model.newInstance("prior", "PyTorch");
    try {
      model.load(file.toAbsolutePath().getParent(), file.getFileName().toString());
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw new BadInputException("spec.prior.uri: " + file + " is not a TorchScript model (" + e.getMessage() + ")", e);
    }
    Preprocess pre = new Preprocess(inputSize, 3, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
    return new TorchScriptPrior(file, model, pre);
  }

  @Override
  public Preprocess preprocess() {
    return preprocess;
  }

  /**
   * The model's output for one batch, which must be N x d (N x d x 1 x 1, a pooled map, is
   * accepted); anything else, or a model that fails on the batch, is bad input naming the file.
   */
  @Override
  public NDArray embed(NDArray images) {
    NDList outs;
    try {
      outs = block.forward(store, new NDList(images), false);
    } catch (ai.djl.engine.EngineException e) {
      throw new BadInputException("spec.prior.uri: " + file + " failed on a batch of shape " + images.getShape()
          + " (N x C x S x S, ImageNet-normalised): " + firstLine(e.getMessage()), e);
    }
    NDArray out = outs.get(0);
    return checkedEmbeddings(file, out.getShape(), images.getShape().get(0)) ? out : out.reshape(out.getShape().get(0), -1);
  }

  /** True when {@code shape} is already N x d; false when it is N x d x 1 x 1; bad input otherwise. */
  static boolean checkedEmbeddings(Path file, Shape shape, long batch) {
    boolean pooled = shape.dimension() == 4 && shape.get(2) == 1 && shape.get(3) == 1;
    if ((shape.dimension() != 2 && !pooled) || shape.get(0) != batch || shape.get(1) < 1) {
      throw new BadInputException("spec.prior.uri: " + file + " returned shape " + shape + " for a batch of " + batch
          + " images; a prior must return embeddings of shape (" + batch + ", d)");
    }
    return !pooled;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no message";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  @Override
  public void close() {
    model.close();
  }
}
