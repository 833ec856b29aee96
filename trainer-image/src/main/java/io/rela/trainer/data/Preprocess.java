package io.rela.trainer.data;

import io.rela.trainer.augment.ImageOps;

/**
 * The deterministic preprocessing of the prior pass and the linear probe: shorter side to the
 * input size, centre crop, channels adapted (grey repeated to three where expected),
 * normalised.
 */
public record Preprocess(int size, int channels, float[] mean, float[] std) {

  /** Writes sample {@code index} of {@code data}, preprocessed, into {@code dst} at {@code offset}. */
  public void apply(ImageDataset data, int index, float[] scratch, float[] dst, int offset) {
    data.readImage(index, scratch);
    int c = data.channels();
    float[] resized = new float[c * size * size];
    if (data.height() == size && data.width() == size) {
      System.arraycopy(scratch, 0, resized, 0, resized.length);
    } else {
      ImageOps.resizeShorterAndCenterCrop(scratch, c, data.height(), data.width(), size, resized);
    }
    int plane = size * size;
    float[] adapted = resized;
    if (c == 1 && channels == 3) {
      adapted = new float[3 * plane];
      for (int k = 0; k < 3; k++) {
        System.arraycopy(resized, 0, adapted, k * plane, plane);
      }
    } else if (c == 3 && channels == 1) {
      adapted = new float[plane];
      for (int i = 0; i < plane; i++) {
        adapted[i] = 0.299f * resized[i] + 0.587f * resized[plane + i] + 0.114f * resized[2 * plane + i];
      }
    }
    ImageOps.normalize(adapted, channels, plane, mean, std, dst, offset);
  }

  /** Preprocesses samples [from, from + n) into one N x C x S x S buffer. */
  public float[] batch(ImageDataset data, int from, int n) {
    float[] out = new float[n * channels * size * size];
    float[] scratch = new float[data.pixels()];
    for (int i = 0; i < n; i++) {
      apply(data, from + i, scratch, out, i * channels * size * size);
    }
    return out;
  }
}
