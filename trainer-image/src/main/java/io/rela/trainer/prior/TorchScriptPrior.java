package io.rela.trainer.prior;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
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

  private final Model model;
  private final Block block;
  private final ParameterStore store;
  private final Preprocess preprocess;

  private TorchScriptPrior(Model model, Preprocess preprocess) {
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
    return new TorchScriptPrior(model, pre);
  }

  @Override
  public Preprocess preprocess() {
    return preprocess;
  }

  @Override
  public NDArray embed(NDArray images) {
    NDArray out = block.forward(store, new NDList(images), false).get(0);
    return out.getShape().dimension() == 2 ? out : out.reshape(out.getShape().get(0), -1);
  }

  @Override
  public void close() {
    model.close();
  }
}
