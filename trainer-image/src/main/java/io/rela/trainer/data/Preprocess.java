package io.rela.trainer.data;

import io.rela.trainer.image.Pixels;
import io.rela.trainer.image.Resize;

/**
 * The deterministic preprocessing of the prior pass and the evaluation, from the decoded
 * original: shorter side resized (antialiased) to {@code resize}, the centre {@code size} x
 * {@code size} cropped, channels adapted (grey repeated to three where expected, colour to
 * luminance where one is), normalised. The evaluation of 224 px images uses resize 256 for
 * size 224, as the reference's Resize(256) + CenterCrop(224); small images and priors resize
 * to the crop itself.
 *
 * @param size side of the output
 * @param channels output channels
 * @param mean per-channel normalisation mean
 * @param std per-channel normalisation std
 * @param resize what the shorter side is resized to before the centre crop (>= size)
 */
public record Preprocess(int size, int channels, float[] mean, float[] std, int resize) {

  /** Resize the shorter side straight to {@code size}, then crop the centre. */
  public Preprocess(int size, int channels, float[] mean, float[] std) {
    this(size, channels, mean, std, size);
  }

  /**
   * The evaluation's preprocessing: for photographs (ImageFolder) the reference's Resize(256) +
   * CenterCrop(224), scaled to other sizes (resize = size x 256 / 224); fixed-size formats only
   * normalise.
   */
  public static Preprocess evaluation(io.rela.api.spec.DatasetFormat format, int size, int channels, float[] mean,
      float[] std) {
    int resize = format == io.rela.api.spec.DatasetFormat.ImageFolder ? (int) Math.round(size * 256.0 / 224.0) : size;
    return new Preprocess(size, channels, mean, std, resize);
  }

  /** Writes sample {@code index} of {@code data}, preprocessed, into {@code dst} at {@code offset}. */
  public void apply(ImageDataset data, int index, float[] dst, int offset) {
    ImageDataset.Image img = data.read(index);
    int c = img.c();
    float[] cropped = new float[c * size * size];
    Resize.resizeShorterAndCenterCrop(img.chw(), c, img.h(), img.w(), resize, size, cropped);
    int plane = size * size;
    float[] adapted = cropped;
    if (c == 1 && channels == 3) {
      adapted = new float[3 * plane];
      for (int k = 0; k < 3; k++) {
        System.arraycopy(cropped, 0, adapted, k * plane, plane);
      }
    } else if (c == 3 && channels == 1) {
      adapted = new float[plane];
      for (int i = 0; i < plane; i++) {
        adapted[i] = 0.299f * cropped[i] + 0.587f * cropped[plane + i] + 0.114f * cropped[2 * plane + i];
      }
    }
    Pixels.normalize(adapted, channels, plane, mean, std, dst, offset);
  }

  /** Preprocesses samples [from, from + n) into one N x C x S x S buffer. */
  public float[] batch(ImageDataset data, int from, int n) {
    float[] out = new float[n * channels * size * size];
    for (int i = 0; i < n; i++) {
      apply(data, from + i, out, i * channels * size * size);
    }
    return out;
  }
}
