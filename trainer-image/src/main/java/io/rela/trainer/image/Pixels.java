package io.rela.trainer.image;

import java.awt.image.BufferedImage;

/**
 * Decoded images to CHW floats in [0, 1], and normalisation: what the datasets and the
 * augmentations both start and end with.
 */
public final class Pixels {

  private Pixels() {}

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
}
