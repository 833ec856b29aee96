package io.rela.trainer.data;

/**
 * One training batch: the sample indices, two augmented views (N x C x S x S, normalised)
 * and the labels (used only by the online classifier).
 */
public record Batch(int[] indices, float[] view1, float[] view2, int[] labels) {

  public int size() {
    return indices.length;
  }

  /** Samples [from, to) as a batch of their own. */
  public Batch slice(int from, int to) {
    int per = size() == 0 ? 0 : view1.length / size();
    return new Batch(java.util.Arrays.copyOfRange(indices, from, to),
        java.util.Arrays.copyOfRange(view1, from * per, to * per),
        java.util.Arrays.copyOfRange(view2, from * per, to * per),
        java.util.Arrays.copyOfRange(labels, from, to));
  }

  /** {@code parts} contiguous slices whose sizes differ by at most one (the first ones larger). */
  public java.util.List<Batch> split(int parts) {
    java.util.List<Batch> out = new java.util.ArrayList<>(parts);
    int from = 0;
    for (int i = 0; i < parts; i++) {
      int n = size() / parts + (i < size() % parts ? 1 : 0);
      out.add(slice(from, from + n));
      from += n;
    }
    return out;
  }
}
