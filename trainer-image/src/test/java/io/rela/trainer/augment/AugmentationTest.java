package io.rela.trainer.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.rela.trainer.image.Pixels;
import io.rela.trainer.image.Resize;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmentationTest {

  @Test
  void cropBoxesRespectTheScaleRange() {
    Augmentation a = new Augmentation(AugmentationParams.rela(), 28, new float[] {0}, new float[] {1});
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 500; i++) {
      double[] box = a.cropBox(28, 28, r);
      double area = box[2] * box[3] / (28.0 * 28);
      assertThat(area).isBetween(0.40, 1.0); // 0.5 of the area, give or take the rounding of the sides
      assertThat(box[0] + box[2]).isLessThanOrEqualTo(28);
      assertThat(box[1] + box[3]).isLessThanOrEqualTo(28);
    }
  }

  @Test
  void theSameRandomStreamGivesTheSameView() {
    float[] img = new float[28 * 28];
    for (int i = 0; i < img.length; i++) {
      img[i] = (i % 29) / 29f;
    }
    Augmentation a = new Augmentation(AugmentationParams.byol(2, 28), 28, new float[] {0.286f}, new float[] {0.353f});
    float[] x = new float[784];
    float[] y = new float[784];
    a.apply(img, 1, 28, 28, new SplittableRandom(5), x, 0);
    a.apply(img, 1, 28, 28, new SplittableRandom(5), y, 0);
    assertThat(x).containsExactly(y);
    a.apply(img, 1, 28, 28, new SplittableRandom(6), y, 0);
    assertThat(x).isNotEqualTo(y);
  }

  @Test
  void identityCropResamplesExactly() {
    float[] img = {0, 1, 2, 3};
    float[] out = new float[4];
    Resize.resizedCrop(img, 1, 2, 2, 0, 0, 2, 2, 2, out);
    assertThat(out).containsExactly(0, 1, 2, 3);
    ImageOps.flipHorizontal(out, 1, 2);
    assertThat(out).containsExactly(1, 0, 3, 2);
  }

  @Test
  void normalisationAndSolarise() {
    float[] img = {0.2f, 0.8f};
    ImageOps.solarize(img, 2, 0.5f);
    assertThat(img[1]).isCloseTo(0.2f, within(1e-6f));
    float[] dst = new float[2];
    Pixels.normalize(new float[] {0.2860f, 0.6390f}, 1, 2, new float[] {0.2860f}, new float[] {0.3530f}, dst, 0);
    assertThat(dst[0]).isCloseTo(0f, within(1e-6f));
    assertThat(dst[1]).isCloseTo(1f, within(1e-5f));
  }

  @Test
  void blurIsOffForSmallImagesAndViewsDiffer() {
    assertThat(AugmentationParams.byol(1, 28).blurP()).isZero();
    assertThat(AugmentationParams.byol(1, 224).blurP()).isEqualTo(1.0);
    assertThat(AugmentationParams.byol(2, 224).blurP()).isEqualTo(0.1);
    assertThat(AugmentationParams.byol(2, 224).solarizeP()).isEqualTo(0.2);
    assertThat(AugmentationParams.byol(1, 224).solarizeP()).isZero();
  }

  @org.junit.jupiter.api.Test
  void decodedBgrBytesConvertLikeTheColourModel() {
    java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(7, 5, java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
    java.util.SplittableRandom r = new java.util.SplittableRandom(1);
    for (int y = 0; y < 5; y++) {
      for (int x = 0; x < 7; x++) {
        img.setRGB(x, y, r.nextInt(0x1000000));
      }
    }
    float[] fast = Pixels.fromRgb(img, 3);
    for (int y = 0; y < 5; y++) {
      for (int x = 0; x < 7; x++) {
        int rgb = img.getRGB(x, y);
        int i = y * 7 + x;
        org.assertj.core.api.Assertions.assertThat(fast[i]).isEqualTo(((rgb >> 16) & 0xff) / 255f);
        org.assertj.core.api.Assertions.assertThat(fast[35 + i]).isEqualTo(((rgb >> 8) & 0xff) / 255f);
        org.assertj.core.api.Assertions.assertThat(fast[70 + i]).isEqualTo((rgb & 0xff) / 255f);
      }
    }
  }
}
