package io.rela.trainer.data;

/**
 * One training batch: the sample indices, two augmented views (N x C x S x S, normalised)
 * and the labels (used only by the online classifier).
 */
public record Batch(int[] indices, float[] view1, float[] view2, int[] labels) {

  public int size() {
    return indices.length;
  }
}
