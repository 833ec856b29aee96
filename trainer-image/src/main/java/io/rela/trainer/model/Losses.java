package io.rela.trainer.model;

import ai.djl.ndarray.NDArray;

/** Building blocks of the losses, on N x D arrays: cosine similarity and cross-entropy. */
public final class Losses {

  private static final float EPS = 1e-12f;

  private Losses() {}

  /** Row-wise cosine similarity of two N x D arrays: an N-vector. */
  public static NDArray cosine(NDArray a, NDArray b) {
    NDArray an = a.div(a.norm(new int[] {1}, true).maximum(EPS));
    NDArray bn = b.div(b.norm(new int[] {1}, true).maximum(EPS));
    return an.mul(bn).sum(new int[] {1});
  }

  /** Mean cross-entropy of logits (N x C) against integer labels. */
  public static NDArray crossEntropy(NDArray logits, NDArray labels, int classes) {
    NDArray logp = logits.logSoftmax(1);
    return logp.mul(labels.oneHot(classes)).sum(new int[] {1}).neg().mean();
  }
}
