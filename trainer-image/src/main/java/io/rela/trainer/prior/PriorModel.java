package io.rela.trainer.prior;

import ai.djl.ndarray.NDArray;
import io.rela.trainer.data.Preprocess;

/** A frozen model that maps preprocessed images (N x C x S x S) to embeddings (N x d). */
public interface PriorModel extends AutoCloseable {

  /** How images are prepared for this prior. */
  Preprocess preprocess();

  /** Embeddings of one batch, with no gradient. */
  NDArray embed(NDArray images);

  @Override
  void close();
}
