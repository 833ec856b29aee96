package io.rela.trainer.image;

/**
 * Resampling of CHW float images with PIL's and torchvision's antialiased bilinear filter: the
 * random resized crop of the augmentations and the resize-and-centre-crop of preprocessing.
 */
public final class Resize {

  private Resize() {}

  /**
   * Resamples the window (y0, x0, ch, cw) of a c x h x w image onto an out x out grid with the
   * antialiased bilinear (triangle) filter of PIL and torchvision ({@code antialias=True}): when
   * the window shrinks, each output pixel averages every input pixel under a triangle as wide as
   * the scale, so fine detail is not aliased; when it grows, this is plain bilinear. Separable:
   * rows first, then columns.
   */
  public static void resizedCrop(float[] src, int c, int h, int w, double y0, double x0, double ch, double cw,
      int out, float[] dst) {
    resample(src, c, h, w, y0, x0, ch, cw, out, out, dst);
  }

  /** As {@link #resizedCrop}, onto an outH x outW grid. */
  public static void resample(float[] src, int c, int h, int w, double y0, double x0, double ch, double cw,
      int outH, int outW, float[] dst) {
    resample(src, c, h, w, taps(y0, ch, outH, h), taps(x0, cw, outW, w), dst);
  }

  /** The separable resample with given taps: rows through {@code tx}, then columns through {@code ty}. */
  private static void resample(float[] src, int c, int h, int w, Taps ty, Taps tx, float[] dst) {
    int outH = ty.start.length;
    int outW = tx.start.length;
    int rows = ty.last - ty.first;
    float[] tmp = new float[rows * outW];
    for (int k = 0; k < c; k++) {
      int base = k * h * w;
      for (int y = ty.first; y < ty.last; y++) {
        int row = base + y * w;
        int t = (y - ty.first) * outW;
        for (int o = 0; o < outW; o++) {
          float acc = 0;
          int start = row + tx.start[o];
          float[] wt = tx.weights[o];
          for (int i = 0; i < wt.length; i++) {
            acc += wt[i] * src[start + i];
          }
          tmp[t + o] = acc;
        }
      }
      int plane = k * outH * outW;
      for (int o = 0; o < outH; o++) {
        int start = ty.start[o] - ty.first;
        float[] wt = ty.weights[o];
        int out = plane + o * outW;
        java.util.Arrays.fill(dst, out, out + outW, 0f);
        for (int i = 0; i < wt.length; i++) {
          float wi = wt[i];
          int in = (start + i) * outW;
          for (int x = 0; x < outW; x++) {
            dst[out + x] += wi * tmp[in + x];
          }
        }
      }
    }
  }

  /** Per output pixel: the first input pixel it reads and the normalised filter weights; the input range used. */
  private record Taps(int[] start, float[][] weights, int first, int last) {
    /** Output pixels [from, from + count) only: a resize followed by a crop computes just the crop. */
    Taps slice(int from, int count) {
      int[] s = java.util.Arrays.copyOfRange(start, from, from + count);
      float[][] w = java.util.Arrays.copyOfRange(weights, from, from + count);
      int lo = Integer.MAX_VALUE;
      int hi = 0;
      for (int o = 0; o < count; o++) {
        lo = Math.min(lo, s[o]);
        hi = Math.max(hi, s[o] + w[o].length);
      }
      return new Taps(s, w, lo, hi);
    }
  }

  /**
   * PIL's resampling coefficients for the pixels [from, from + len) of an axis of n pixels onto
   * out pixels: the window is cropped first (rounded to whole pixels, as torchvision's crop),
   * so the filter never reaches outside it.
   */
  private static Taps taps(double from, double len, int out, int n) {
    int f0 = (int) Math.max(0, Math.min(n - 1, Math.round(from)));
    int size = (int) Math.max(1, Math.min(n - f0, Math.round(len)));
    double scale = (double) size / out;
    double support = Math.max(scale, 1.0);
    int[] start = new int[out];
    float[][] weights = new float[out][];
    int first = n;
    int last = 0;
    for (int o = 0; o < out; o++) {
      double centre = (o + 0.5) * scale;
      int lo = Math.max((int) (centre - support + 0.5), 0);
      int hi = Math.min((int) (centre + support + 0.5), size);
      double[] wt = new double[Math.max(1, hi - lo)];
      double sum = 0;
      for (int i = lo; i < hi; i++) {
        double x = Math.abs((i - centre + 0.5) / support);
        wt[i - lo] = x < 1 ? 1 - x : 0;
        sum += wt[i - lo];
      }
      float[] norm = new float[wt.length];
      for (int i = 0; i < wt.length; i++) {
        norm[i] = (float) (sum > 0 ? wt[i] / sum : 1.0 / wt.length);
      }
      start[o] = f0 + Math.min(lo, size - 1);
      weights[o] = norm;
      first = Math.min(first, start[o]);
      last = Math.max(last, start[o] + wt.length);
    }
    return new Taps(start, weights, first, last);
  }

  /** Resize the shorter side to {@code size}, then take the centre size x size window. */
  public static void resizeShorterAndCenterCrop(float[] src, int c, int h, int w, int size, float[] dst) {
    resizeShorterAndCenterCrop(src, c, h, w, size, size, dst);
  }

  /**
   * torchvision's Resize(resize) then CenterCrop(size): the shorter side to {@code resize} (the
   * longer one in proportion, truncated, as torchvision computes it), antialiased, then the
   * centre size x size window (offsets rounded half to even, as torchvision's center_crop).
   */
  public static void resizeShorterAndCenterCrop(float[] src, int c, int h, int w, int resize, int size, float[] dst) {
    int rh = h <= w ? resize : (int) ((long) resize * h / w);
    int rw = h <= w ? (int) ((long) resize * w / h) : resize;
    if ((rh == h && rw == w) || rh < size || rw < size) {
      float[] resized = src;
      if (rh != h || rw != w) {
        resized = new float[c * rh * rw];
        resample(src, c, h, w, 0, 0, h, w, rh, rw, resized);
      }
      crop(resized, c, rh, rw, size, dst);
      return;
    }
    // the resize's taps for the pixels the centre crop keeps, and only those
    int top = (int) Math.rint((rh - size) / 2.0);
    int left = (int) Math.rint((rw - size) / 2.0);
    resample(src, c, h, w, taps(0, h, rh, h).slice(top, size), taps(0, w, rw, w).slice(left, size), dst);
  }

  /** The centre size x size window of a c x h x w image (zero-padded where the image is smaller). */
  private static void crop(float[] src, int c, int h, int w, int size, float[] dst) {
    // Python's round() as torchvision uses it: halves to even
    int top = (int) Math.rint((h - size) / 2.0);
    int left = (int) Math.rint((w - size) / 2.0);
    for (int k = 0; k < c; k++) {
      for (int y = 0; y < size; y++) {
        int sy = y + top;
        for (int x = 0; x < size; x++) {
          int sx = x + left;
          dst[k * size * size + y * size + x] = sy >= 0 && sy < h && sx >= 0 && sx < w ? src[k * h * w + sy * w + sx] : 0f;
        }
      }
    }
  }
}
