package io.rela.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libjpeg-turbo decodes what ImageIO decodes: the same pixels within the rounding of two IDCT
 * implementations. {@code make test} installs the binding (Debian libturbojpeg-java), so the
 * fast path is what this checks, not a fallback.
 */
class TurboJpegTest {

  @TempDir
  Path dir;

  @Test
  void decodesLikeImageIo() throws Exception {
    assertThat(TurboJpeg.get()).as(TurboJpeg.describe() + " (make turbojpeg installs it)").isNotNull();
    BufferedImage img = new BufferedImage(61, 47, BufferedImage.TYPE_INT_RGB);
    java.util.SplittableRandom r = new java.util.SplittableRandom(4);
    for (int y = 0; y < 47; y++) {
      for (int x = 0; x < 61; x++) {
        int v = (x * 4) & 0xff;
        img.setRGB(x, y, (v << 16) | (((y * 5) & 0xff) << 8) | r.nextInt(40));
      }
    }
    Path f = dir.resolve("a.jpg");
    ImageIO.write(img, "jpg", f.toFile());
    TurboJpeg.Rgb turbo = TurboJpeg.get().decode(Files.readAllBytes(f));
    BufferedImage ref = ImageIO.read(f.toFile());
    assertThat(turbo.h()).isEqualTo(47);
    assertThat(turbo.w()).isEqualTo(61);
    long sum = 0;
    int max = 0;
    for (int y = 0; y < 47; y++) {
      for (int x = 0; x < 61; x++) {
        int rgb = ref.getRGB(x, y);
        int i = 3 * (y * 61 + x);
        int[] d = {Math.abs((turbo.pixels()[i] & 0xff) - ((rgb >> 16) & 0xff)),
            Math.abs((turbo.pixels()[i + 1] & 0xff) - ((rgb >> 8) & 0xff)), Math.abs((turbo.pixels()[i + 2] & 0xff) - (rgb & 0xff))};
        for (int v : d) {
          sum += v;
          max = Math.max(max, v);
        }
      }
    }
    assertThat(max).as("largest difference in levels").isLessThanOrEqualTo(3);
    assertThat(sum / (47.0 * 61 * 3)).as("mean difference in levels").isLessThan(0.5);
    // a file that is not a JPEG is refused (null), so the caller can report it through ImageIO
    assertThat(TurboJpeg.get().decode("not a jpeg".getBytes())).isNull();
  }
}
