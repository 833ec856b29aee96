package io.rela.trainer.rela;

import ai.djl.ndarray.NDArray;

/** The losses of both phases, on N x D arrays. */
public final class Losses {

  private static final float EPS = 1e-12f;

  private Losses() {}

  /** Row-wise cosine similarity of two N x D arrays: an N-vector. */
  public static NDArray cosine(NDArray a, NDArray b) {
    NDArray an = a.div(a.norm(new int[] {1}, true).maximum(EPS));
    NDArray bn = b.div(b.norm(new int[] {1}, true).maximum(EPS));
    return an.mul(bn).sum(new int[] {1});
  }

  /** ReLA: 0.5 * [(1 - cos(g1, T)) + (1 - cos(g2, T))], mean over the batch. */
  public static NDArray relaLoss(NDArray g1, NDArray g2, NDArray targets) {
    NDArray l1 = cosine(g1, targets).neg().add(1f).mean();
    NDArray l2 = cosine(g2, targets).neg().add(1f).mean();
    return l1.add(l2).mul(0.5f);
  }

  /** BYOL: 0.5 * [ncs(p1, z2) + ncs(p2, z1)], ncs = -cos averaged over the batch. */
  public static NDArray byolLoss(NDArray p1, NDArray p2, NDArray z1, NDArray z2) {
    NDArray a = cosine(p1, z2).mean().neg();
    NDArray b = cosine(p2, z1).mean().neg();
    return a.add(b).mul(0.5f);
  }

  /** Mean cross-entropy of logits (N x C) against integer labels. */
  public static NDArray crossEntropy(NDArray logits, NDArray labels, int classes) {
    NDArray logp = logits.logSoftmax(1);
    return logp.mul(labels.oneHot(classes)).sum(new int[] {1}).neg().mean();
  }
}
