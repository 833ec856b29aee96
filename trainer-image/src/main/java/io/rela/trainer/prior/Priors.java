package io.rela.trainer.prior;

import ai.djl.ndarray.NDManager;
import io.rela.trainer.BadInputException;
import io.rela.trainer.config.JobSettings;
import io.rela.trainer.data.Datasets;
import io.rela.trainer.data.Preprocess;
import io.rela.trainer.model.Networks;
import io.rela.trainer.train.Checkpoint;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Chooses, identifies and opens the prior a job names. */
public final class Priors {

  private Priors() {}

  /** What the prior is, without loading it: part of the embedding cache key. */
  public static String identity(JobSettings s, Path priorCheckpoint) {
    return switch (s.priorType()) {
      case Random -> "random:" + s.backbone() + ":stem=" + s.cifarStem() + ":c=" + s.channels() + ":seed=" + s.seed();
      case Job -> "job:" + EmbeddingCache.digest(requireCheckpoint(priorCheckpoint));
      case TorchScript -> "torchscript:" + EmbeddingCache.digest(Paths.get(s.priorUri()));
      case ONNX -> throw unsupportedOnnx();
    };
  }

  public static PriorModel open(JobSettings s, NDManager manager, Path priorCheckpoint) {
    float[][] norm = Datasets.normalisation(s.format(), s.channels());
    Preprocess studentLike = new Preprocess(s.priorInputSize(), s.channels(), norm[0], norm[1]);
    Networks.Architecture arch = new Networks.Architecture(s.backbone(), s.cifarStem(), s.channels(), s.imageSize());
    return switch (s.priorType()) {
      case Random -> BackbonePrior.random(manager, arch, s.seed(), studentLike);
      case Job -> {
        Path f = requireCheckpoint(priorCheckpoint);
        Checkpoint.Loaded c = Checkpoint.read(f).orElseThrow(() ->
            new BadInputException("spec.prior.jobRef: " + f + " is not a valid checkpoint (partial or corrupt)"));
        Preprocess pre = new Preprocess(s.priorInputSize(), c.meta.channels(), norm[0], norm[1]);
        yield BackbonePrior.fromCheckpoint(manager, c, pre);
      }
      case TorchScript -> TorchScriptPrior.load(Paths.get(s.priorUri()), s.priorInputSize());
      case ONNX -> throw unsupportedOnnx();
    };
  }

  private static Path requireCheckpoint(Path p) {
    if (p == null) {
      throw new BadInputException("spec.prior.jobRef: the referenced job has no finished checkpoint");
    }
    return p;
  }

  private static BadInputException unsupportedOnnx() {
    return new BadInputException("spec.prior.type: ONNX priors need the ONNX Runtime engine, which this trainer image does not"
        + " ship; export the model to TorchScript (torch.jit.trace) and use type TorchScript");
  }
}
