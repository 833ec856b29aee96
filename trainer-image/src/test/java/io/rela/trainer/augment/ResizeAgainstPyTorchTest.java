package io.rela.trainer.augment;

import static org.assertj.core.api.Assertions.assertThat;

import io.rela.trainer.Npy;
import io.rela.trainer.PyTorch;
import io.rela.trainer.image.Resize;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The trainer's resampler against torchvision's resized crop with antialiasing (Debian's
 * PyTorch), on a noisy image where aliasing would show: strong and mild downscales of a photo-
 * sized image and an upscale of a small one agree to 1e-4.
 */
class ResizeAgainstPyTorchTest {

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0}x{1} window ({2},{3},{4},{5}) -> {6}")
  @CsvSource({
      "375, 500, 40, 100, 300, 300, 224", // RandomResizedCrop at 224 px from a photo
      "375, 500, 0, 62, 375, 375, 32",     // a whole photo to 32 px: 11x smaller
      "375, 500, 10, 20, 200, 150, 224",   // a non-square window: each axis its own scale
      "28, 28, 3, 5, 20, 20, 64"})          // a Fashion-MNIST crop enlarged
  void matchesTorchvision(int h, int w, int top, int left, int ch, int cw, int out) throws Exception {
    int c = 3;
    float[] img = new float[c * h * w];
    SplittableRandom r = new SplittableRandom(h * 31L + w);
    for (int i = 0; i < img.length; i++) {
      img[i] = (float) r.nextDouble();
    }
    float[] mine = new float[c * out * out];
    Resize.resizedCrop(img, c, h, w, top, left, ch, cw, out, mine);
    Npy.write(dir.resolve("img.npy"), img, c, h, w);
    PyTorch.ok("resize_check.py", dir.resolve("img.npy").toString(), String.valueOf(top), String.valueOf(left),
        String.valueOf(ch), String.valueOf(cw), String.valueOf(out), dir.resolve("out.npy").toString());
    float[] theirs = Npy.read(dir.resolve("out.npy"));
    double max = 0;
    for (int i = 0; i < mine.length; i++) {
      max = Math.max(max, Math.abs(mine[i] - theirs[i]));
    }
    System.out.printf("resized crop %dx%d -> %d: max |java - torchvision| = %.2e%n", ch, cw, out, max);
    assertThat(max).isLessThanOrEqualTo(1e-4);
  }

  /** The evaluation's preprocessing of photographs: Resize(256) then CenterCrop(224), both orientations. */
  @ParameterizedTest(name = "{0}x{1}")
  @CsvSource({"375, 500", "500, 375", "256, 256", "300, 1000"})
  void resizeThenCenterCropMatchesTorchvision(int h, int w) throws Exception {
    int c = 3;
    float[] img = new float[c * h * w];
    SplittableRandom r = new SplittableRandom(h * 7L + w);
    for (int i = 0; i < img.length; i++) {
      img[i] = (float) r.nextDouble();
    }
    float[] mine = new float[c * 224 * 224];
    Resize.resizeShorterAndCenterCrop(img, c, h, w, 256, 224, mine);
    Npy.write(dir.resolve("img.npy"), img, c, h, w);
    PyTorch.ok("resize_check.py", dir.resolve("img.npy").toString(), "resize-crop", "256", "224", dir.resolve("out.npy").toString());
    float[] theirs = Npy.read(dir.resolve("out.npy"));
    double max = 0;
    for (int i = 0; i < mine.length; i++) {
      max = Math.max(max, Math.abs(mine[i] - theirs[i]));
    }
    System.out.printf("Resize(256)+CenterCrop(224) of %dx%d: max |java - torchvision| = %.2e%n", h, w, max);
    assertThat(max).isLessThanOrEqualTo(1e-4);
  }
}
