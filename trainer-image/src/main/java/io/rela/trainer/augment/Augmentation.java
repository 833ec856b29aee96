package io.rela.trainer.augment;

import io.rela.trainer.image.Pixels;
import io.rela.trainer.image.Resize;
import java.util.SplittableRandom;

/**
 * One random view of an image: random resized crop to the output size, flip, colour jitter
 * (in random order), greyscale, blur, solarise, then normalisation. The random stream is the
 * caller's, so a view depends only on (seed, epoch, sample, view), never on thread timing.
 */
public final class Augmentation {

  private static final double LOG_RATIO_MIN = Math.log(3.0 / 4.0);
  private static final double LOG_RATIO_MAX = Math.log(4.0 / 3.0);

  private final AugmentationParams p;
  private final int outSize;
  private final float[] mean;
  private final float[] std;

  public Augmentation(AugmentationParams params, int outSize, float[] mean, float[] std) {
    this.p = params;
    this.outSize = outSize;
    this.mean = mean;
    this.std = std;
  }

  /** Writes the normalised view of {@code src} (c x h x w) into {@code dst} at {@code offset}. */
  public void apply(float[] src, int c, int h, int w, SplittableRandom rnd, float[] dst, int offset) {
    float[] img = new float[c * outSize * outSize];
    double[] box = cropBox(h, w, rnd);
    Resize.resizedCrop(src, c, h, w, box[0], box[1], box[2], box[3], outSize, img);
    int plane = outSize * outSize;
    if (rnd.nextDouble() < p.flipP()) {
      ImageOps.flipHorizontal(img, c, outSize);
    }
    if (rnd.nextDouble() < p.jitterP()) {
      jitter(img, c, plane, rnd);
    }
    if (rnd.nextDouble() < p.greyP()) {
      ImageOps.greyscale(img, c, plane);
    }
    if (p.blurP() > 0 && rnd.nextDouble() < p.blurP()) {
      ImageOps.gaussianBlur(img, c, outSize, 0.1 + rnd.nextDouble() * 1.9);
    }
    if (p.solarizeP() > 0 && rnd.nextDouble() < p.solarizeP()) {
      ImageOps.solarize(img, c * plane, 0.5f);
    }
    Pixels.normalize(img, c, plane, mean, std, dst, offset);
  }

  /** torchvision's RandomResizedCrop box: (y, x, height, width). */
  double[] cropBox(int h, int w, SplittableRandom rnd) {
    double area = (double) h * w;
    for (int attempt = 0; attempt < 10; attempt++) {
      double target = area * (p.cropScaleMin() + rnd.nextDouble() * (p.cropScaleMax() - p.cropScaleMin()));
      double ratio = Math.exp(LOG_RATIO_MIN + rnd.nextDouble() * (LOG_RATIO_MAX - LOG_RATIO_MIN));
      double cw = Math.round(Math.sqrt(target * ratio));
      double ch = Math.round(Math.sqrt(target / ratio));
      if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
        double y = rnd.nextInt((int) (h - ch) + 1);
        double x = rnd.nextInt((int) (w - cw) + 1);
        return new double[] {y, x, ch, cw};
      }
    }
    double side = Math.min(h, w);
    return new double[] {(h - side) / 2, (w - side) / 2, side, side};
  }

  private void jitter(float[] img, int c, int plane, SplittableRandom rnd) {
    int[] order = {0, 1, 2, 3};
    for (int i = 3; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    for (int op : order) {
      switch (op) {
        case 0 -> ImageOps.brightness(img, c * plane, factor(p.brightness(), rnd));
        case 1 -> ImageOps.contrast(img, c, plane, factor(p.contrast(), rnd));
        case 2 -> ImageOps.saturation(img, c, plane, factor(p.saturation(), rnd));
        default -> ImageOps.hue(img, c, plane, (float) ((rnd.nextDouble() * 2 - 1) * p.hue()));
      }
    }
  }

  private static float factor(float strength, SplittableRandom rnd) {
    double lo = Math.max(0, 1 - strength);
    return (float) (lo + rnd.nextDouble() * (1 + strength - lo));
  }
}
