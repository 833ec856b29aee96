package io.rela.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.rela.api.spec.DatasetFormat;
import io.rela.trainer.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dataset's part of the prior-cache key follows its content, not its location. */
class DatasetIdentityTest {

  @TempDir
  Path dir;

  private String identity(Path folder) {
    return Datasets.open(DatasetFormat.FashionMNIST, folder, Split.TRAIN, 8, 1, false).identity();
  }

  @Test
  void sameBytesElsewhereAreTheSameDatasetAndChangedBytesAreNot() throws Exception {
    TestFiles.writeIdx(dir.resolve("a"), "train", 20, false);
    TestFiles.writeIdx(dir.resolve("b"), "train", 20, false);
    assertThat(identity(dir.resolve("a"))).isEqualTo(identity(dir.resolve("b")));

    Path images = dir.resolve("b/train-images-idx3-ubyte");
    byte[] bytes = Files.readAllBytes(images);
    bytes[bytes.length - 1] ^= 0x01;
    Files.write(images, bytes);
    assertThat(identity(dir.resolve("b"))).as("one pixel changed in place").isNotEqualTo(identity(dir.resolve("a")));
  }

  @Test
  void anImageFolderChangesIdentityWhenAFileIsReplaced() throws Exception {
    Path root = dir.resolve("folder");
    for (String c : new String[] {"cat", "dog"}) {
      Files.createDirectories(root.resolve(c));
      javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(4, 4, java.awt.image.BufferedImage.TYPE_INT_RGB), "png",
          root.resolve(c).resolve("1.png").toFile());
    }
    String before = ImageFolderDataset.open(root, 8, 3, false).identity();
    assertThat(ImageFolderDataset.open(root, 8, 3, false).identity()).isEqualTo(before);
    // another picture in its place: noise compresses to a different size than the black square
    java.awt.image.BufferedImage other = new java.awt.image.BufferedImage(30, 30, java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.util.SplittableRandom r = new java.util.SplittableRandom(2);
    for (int p = 0; p < 900; p++) {
      other.setRGB(p % 30, p / 30, r.nextInt(0x1000000));
    }
    javax.imageio.ImageIO.write(other, "png", root.resolve("dog/1.png").toFile());
    assertThat(ImageFolderDataset.open(root, 8, 3, false).identity()).isNotEqualTo(before);
  }
}
