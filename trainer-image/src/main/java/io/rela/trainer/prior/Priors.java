package io.rela.trainer.prior;

import ai.djl.ndarray.NDManager;
import io.rela.api.contract.PriorCacheKey;
import io.rela.api.spec.RandomPriorInit;
import io.rela.trainer.BadInputException;
import io.rela.trainer.checkpoint.Checkpoint;
import io.rela.trainer.config.JobSettings;
import io.rela.trainer.data.Datasets;
import io.rela.trainer.data.Normalisation;
import io.rela.trainer.data.Preprocess;
import io.rela.trainer.model.Networks;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Chooses, identifies and opens the prior a job names. */
public final class Priors {

  private Priors() {}

  /** What the prior is, without loading it: part of the embedding cache key. */
  public static String identity(JobSettings s, Path priorCheckpoint, String priorJobUid) {
    return switch (s.prior().type()) {
      case Random -> PriorCacheKey.randomPrior(s.model().backbone().name(), s.model().cifarStem(), s.data().channels(), s.training().seed(),
          s.prior().randomInit() == RandomPriorInit.Independent);
      case Job -> PriorCacheKey.jobPrior(priorJobUid, EmbeddingCache.digest(requireCheckpoint(priorCheckpoint)));
      case TorchScript -> PriorCacheKey.torchScriptPrior(verifiedDigest(s).substring(0, 24));
      case ONNX -> throw unsupportedOnnx();
    };
  }

  public static PriorModel open(JobSettings s, NDManager manager, Path priorCheckpoint) {
    return open(s, manager, priorCheckpoint, null);
  }

  /** {@code priorJobUid}: the UID of the job a Job prior's checkpoint must come from (null: not checked). */
  public static PriorModel open(JobSettings s, NDManager manager, Path priorCheckpoint, String priorJobUid) {
    Normalisation norm = s.normalisation();
    Preprocess studentLike = new Preprocess(s.prior().inputSize(), s.data().channels(), norm.mean(), norm.std());
    Networks.Architecture arch = s.architecture();
    return switch (s.prior().type()) {
      case Random -> s.prior().randomInit() == RandomPriorInit.Student
          ? BackbonePrior.studentInit(manager, arch, s.training().seed(), studentLike)
          : BackbonePrior.independent(manager, arch, s.training().seed(), studentLike);
      case Job -> {
        Path f = requireCheckpoint(priorCheckpoint);
        Checkpoint.Loaded c = Checkpoint.read(f).orElseThrow(() ->
            new BadInputException("spec.prior.jobRef: " + f + " is not a valid checkpoint (partial or corrupt)"));
        requireWrittenBy(c.meta, f, priorJobUid);
        yield BackbonePrior.fromCheckpoint(manager, c, jobPriorPreprocess(c.meta, s));
      }
      case TorchScript -> {
        verifiedDigest(s);
        yield TorchScriptPrior.load(Paths.get(s.prior().uri()), s.prior().inputSize());
      }
      case ONNX -> throw unsupportedOnnx();
    };
  }

  /**
   * A transported backbone sees images as it did while it was trained: its own channel count
   * (grey repeated to three, or colour to luminance, by {@link Preprocess}) and its source
   * dataset's normalisation, recorded in its checkpoint. Checkpoints from before that was
   * recorded fall back to this dataset's statistics for the prior's channel count.
   */
  static Preprocess jobPriorPreprocess(Checkpoint.Meta meta, JobSettings s) {
    int c = meta.channels();
    if (c != 1 && c != 3) {
      throw new BadInputException("spec.prior.jobRef: the referenced backbone takes " + c
          + " input channels; only 1 (grey) and 3 (RGB) can be adapted from this dataset's " + s.data().channels());
    }
    float[] mean = meta.mean();
    float[] std = meta.std();
    if (mean == null || std == null || mean.length != c || std.length != c) {
      Normalisation fallback = Datasets.normalisation(s.data().format(), c);
      mean = fallback.mean();
      std = fallback.std();
    }
    return new Preprocess(s.prior().inputSize(), c, mean, std);
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

  /**
   * A Job prior's checkpoint must be the referenced job's own: one written by another run (a job
   * re-created with that name over a retained workspace) is refused. Checkpoints written before
   * runs had identities carry none and are accepted.
   */
  static void requireWrittenBy(Checkpoint.Meta meta, Path file, String priorJobUid) {
    if (priorJobUid != null && meta.run() != null && meta.run().uid() != null && !priorJobUid.equals(meta.run().uid())) {
      throw new BadInputException("spec.prior.jobRef: " + file + " was written by " + meta.run()
          + ", not by the referenced job (uid " + priorJobUid + "); refusing it as this job's prior");
    }
  }

  /**
   * The prior file's SHA-256, checked against spec.prior.sha256 when the spec names one: a
   * TorchScript file is a program, so a cluster may allow only files of known digests, and the
   * file loaded must be the one that was allowed.
   */
  static String verifiedDigest(JobSettings s) {
    java.nio.file.Path f = Paths.get(s.prior().uri());
    if (!java.nio.file.Files.isRegularFile(f)) {
      throw new BadInputException("spec.prior.uri: " + f + " is not a file");
    }
    String actual = EmbeddingCache.sha256(f);
    if (s.prior().sha256() != null && !s.prior().sha256().equalsIgnoreCase(actual)) {
      throw new BadInputException("spec.prior.sha256: " + f + " has SHA-256 " + actual + ", the spec allows only "
          + s.prior().sha256() + "; refusing to load it");
    }
    return actual;
  }
}
