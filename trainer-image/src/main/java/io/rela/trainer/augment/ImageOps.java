package io.rela.trainer.augment;

/**
 * Photometric and flip operations on CHW float images in [0, 1], as torchvision's functional
 * transforms: the pieces the augmentations are built from (decoding and resizing are in
 * {@code image/}).
 */
public final class ImageOps {

  private ImageOps() {}

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

  private static float clamp01(float v) {
    return v < 0f ? 0f : (v > 1f ? 1f : v);
  }
}
