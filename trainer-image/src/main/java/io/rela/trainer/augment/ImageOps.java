package io.rela.trainer.augment;

import java.awt.image.BufferedImage;

/** Pixel operations on CHW float images in [0, 1]; the pieces the augmentations are built from. */
public final class ImageOps {

  private ImageOps() {}

  /** Interleaved RGB bytes (h x w) to CHW floats in [0, 1]; one channel is the luminance. */
  public static float[] fromRgbBytes(byte[] rgb, int h, int w, int channels) {
    int plane = h * w;
    float[] out = new float[channels * plane];
    for (int i = 0; i < plane; i++) {
      float r = (rgb[3 * i] & 0xff) / 255f;
      float g = (rgb[3 * i + 1] & 0xff) / 255f;
      float b = (rgb[3 * i + 2] & 0xff) / 255f;
      if (channels == 1) {
        out[i] = 0.299f * r + 0.587f * g + 0.114f * b;
      } else {
        out[i] = r;
        out[plane + i] = g;
        out[2 * plane + i] = b;
      }
    }
    return out;
  }

  /** Decoded RGB image to CHW floats; one channel is the luminance. */
  public static float[] fromRgb(BufferedImage img, int channels) {
    int h = img.getHeight();
    int w = img.getWidth();
    int plane = h * w;
    byte[] rgb = new byte[3 * plane];
    if (img.getType() == BufferedImage.TYPE_3BYTE_BGR
        && img.getRaster().getDataBuffer() instanceof java.awt.image.DataBufferByte bytes
        && img.getRaster().getParent() == null) {
      // what the JPEG decoder produces: read the interleaved bytes directly rather than through
      // the colour model pixel by pixel (getRGB), which costs as much as the decode itself
      byte[] bgr = bytes.getData();
      for (int i = 0; i < plane; i++) {
        rgb[3 * i] = bgr[3 * i + 2];
        rgb[3 * i + 1] = bgr[3 * i + 1];
        rgb[3 * i + 2] = bgr[3 * i];
      }
    } else {
      int[] px = img.getRGB(0, 0, w, h, null, 0, w);
      for (int i = 0; i < plane; i++) {
        rgb[3 * i] = (byte) (px[i] >> 16);
        rgb[3 * i + 1] = (byte) (px[i] >> 8);
        rgb[3 * i + 2] = (byte) px[i];
      }
    }
    return fromRgbBytes(rgb, h, w, channels);
  }

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

  public static void flipHorizontal(float[] img, int c, int s) {
    for (int k = 0; k < c; k++) {
      for (int y = 0; y < s; y++) {
        int row = k * s * s + y * s;
        for (int x = 0, z = s - 1; x < z; x++, z--) {
          float t = img[row + x];
          img[row + x] = img[row + z];
          img[row + z] = t;
        }
      }
    }
  }

  public static void brightness(float[] img, int n, float factor) {
    for (int i = 0; i < n; i++) {
      img[i] = clamp01(img[i] * factor);
    }
  }

  /** Blend with the mean grey level, as torchvision's adjust_contrast. */
  public static void contrast(float[] img, int c, int plane, float factor) {
    double mean = 0;
    float[] grey = luminance(img, c, plane);
    for (float g : grey) {
      mean += g;
    }
    float m = (float) (mean / plane);
    for (int i = 0; i < c * plane; i++) {
      img[i] = clamp01(m + factor * (img[i] - m));
    }
  }

  /** Blend with the greyscale image; a no-op on one channel. */
  public static void saturation(float[] img, int c, int plane, float factor) {
    if (c != 3) {
      return;
    }
    float[] grey = luminance(img, c, plane);
    for (int k = 0; k < 3; k++) {
      for (int i = 0; i < plane; i++) {
        img[k * plane + i] = clamp01(grey[i] + factor * (img[k * plane + i] - grey[i]));
      }
    }
  }

  /** Rotates hue by {@code shift} turns (in [-0.5, 0.5]); a no-op on one channel. */
  public static void hue(float[] img, int c, int plane, float shift) {
    if (c != 3 || shift == 0f) {
      return;
    }
    for (int i = 0; i < plane; i++) {
      float r = img[i];
      float g = img[plane + i];
      float b = img[2 * plane + i];
      float max = Math.max(r, Math.max(g, b));
      float min = Math.min(r, Math.min(g, b));
      float v = max;
      float d = max - min;
      float s = max == 0 ? 0 : d / max;
      float hh;
      if (d == 0) {
        hh = 0;
      } else if (max == r) {
        hh = ((g - b) / d) / 6f;
      } else if (max == g) {
        hh = ((b - r) / d + 2) / 6f;
      } else {
        hh = ((r - g) / d + 4) / 6f;
      }
      hh = (hh + shift) % 1f;
      if (hh < 0) {
        hh += 1f;
      }
      float h6 = hh * 6f;
      int sector = (int) Math.floor(h6) % 6;
      float f = h6 - (float) Math.floor(h6);
      float p = v * (1 - s);
      float q = v * (1 - s * f);
      float t = v * (1 - s * (1 - f));
      float[] rgb = switch (sector) {
        case 0 -> new float[] {v, t, p};
        case 1 -> new float[] {q, v, p};
        case 2 -> new float[] {p, v, t};
        case 3 -> new float[] {p, q, v};
        case 4 -> new float[] {t, p, v};
        default -> new float[] {v, p, q};
      };
      img[i] = rgb[0];
      img[plane + i] = rgb[1];
      img[2 * plane + i] = rgb[2];
    }
  }

  /** Replaces every channel with the luminance; a no-op on one channel. */
  public static void greyscale(float[] img, int c, int plane) {
    if (c != 3) {
      return;
    }
    float[] grey = luminance(img, c, plane);
    for (int k = 0; k < 3; k++) {
      System.arraycopy(grey, 0, img, k * plane, plane);
    }
  }

  static float[] luminance(float[] img, int c, int plane) {
    float[] g = new float[plane];
    if (c == 1) {
      System.arraycopy(img, 0, g, 0, plane);
      return g;
    }
    for (int i = 0; i < plane; i++) {
      g[i] = 0.299f * img[i] + 0.587f * img[plane + i] + 0.114f * img[2 * plane + i];
    }
    return g;
  }

  /** Separable Gaussian blur with reflect borders, kernel radius ceil(3 sigma). */
  public static void gaussianBlur(float[] img, int c, int s, double sigma) {
    int radius = Math.max(1, (int) Math.ceil(3 * sigma));
    float[] k = new float[2 * radius + 1];
    double sum = 0;
    for (int i = -radius; i <= radius; i++) {
      k[i + radius] = (float) Math.exp(-(i * i) / (2 * sigma * sigma));
      sum += k[i + radius];
    }
    for (int i = 0; i < k.length; i++) {
      k[i] /= (float) sum;
    }
    float[] tmp = new float[s * s];
    for (int ch = 0; ch < c; ch++) {
      int base = ch * s * s;
      for (int y = 0; y < s; y++) {
        for (int x = 0; x < s; x++) {
          float acc = 0;
          for (int j = -radius; j <= radius; j++) {
            acc += k[j + radius] * img[base + y * s + reflect(x + j, s)];
          }
          tmp[y * s + x] = acc;
        }
      }
      for (int y = 0; y < s; y++) {
        for (int x = 0; x < s; x++) {
          float acc = 0;
          for (int j = -radius; j <= radius; j++) {
            acc += k[j + radius] * tmp[reflect(y + j, s) * s + x];
          }
          img[base + y * s + x] = acc;
        }
      }
    }
  }

  private static int reflect(int i, int n) {
    if (n == 1) {
      return 0;
    }
    while (i < 0 || i >= n) {
      i = i < 0 ? -i : 2 * n - 2 - i;
    }
    return i;
  }

  /** Inverts every value at or above the threshold. */
  public static void solarize(float[] img, int n, float threshold) {
    for (int i = 0; i < n; i++) {
      if (img[i] >= threshold) {
        img[i] = 1f - img[i];
      }
    }
  }

  /** (x - mean[c]) / std[c], written to {@code dst} at {@code offset}. */
  public static void normalize(float[] img, int c, int plane, float[] mean, float[] std, float[] dst, int offset) {
    for (int k = 0; k < c; k++) {
      float m = mean[k];
      float inv = 1f / std[k];
      int b = k * plane;
      for (int i = 0; i < plane; i++) {
        dst[offset + b + i] = (img[b + i] - m) * inv;
      }
    }
  }

  private static float clamp01(float v) {
    return v < 0f ? 0f : (v > 1f ? 1f : v);
  }
}
