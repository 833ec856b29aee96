package io.rela.trainer.data;

/** Per-channel mean and standard deviation an image is normalised with, in channel order. */
public record Normalisation(float[] mean, float[] std) {

  public Normalisation {
    if (mean.length != std.length) {
      throw new IllegalArgumentException("mean has " + mean.length + " channels, std " + std.length);
    }
  }

  public int channels() {
    return mean.length;
  }
}
