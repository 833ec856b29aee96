package io.rela.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rela.trainer.BadInputException;
import io.rela.trainer.TestFiles;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetBadInputTest {

  @TempDir
  Path dir;

  @Test
  void readsGzippedAndPlainIdx() throws Exception {
    TestFiles.writeIdx(dir.resolve("gz"), "train", 20, true);
    TestFiles.writeIdx(dir.resolve("plain"), "train", 20, false);
    IdxDataset a = IdxDataset.open(dir.resolve("gz"), Split.TRAIN);
    IdxDataset b = IdxDataset.open(dir.resolve("plain"), Split.TRAIN);
    assertThat(a.size()).isEqualTo(20);
    assertThat(a.height()).isEqualTo(8);
    assertThat(a.label(13)).isEqualTo(3);
    float[] x = new float[64];
    float[] y = new float[64];
    a.readImage(5, x);
    b.readImage(5, y);
    assertThat(x).containsExactly(y);
    assertThat(x[1]).isEqualTo(((5 * 64 + 1) * 7 & 0xff) / 255f);
  }

  @Test
  void missingFolderIsNamed() {
    assertThatThrownBy(() -> IdxDataset.open(dir.resolve("nope"), Split.TRAIN))
        .isInstanceOf(BadInputException.class).hasMessageContaining("nope").hasMessageContaining("does not exist");
  }

  @Test
  void truncatedIdxIsRefusedNamingTheFile() throws Exception {
    TestFiles.writeIdx(dir, "train", 20, false);
    Path images = dir.resolve("train-images-idx3-ubyte");
    byte[] all = Files.readAllBytes(images);
    Files.write(images, java.util.Arrays.copyOf(all, all.length - 100));
    assertThatThrownBy(() -> IdxDataset.open(dir, Split.TRAIN))
        .isInstanceOf(BadInputException.class).hasMessageContaining("train-images-idx3-ubyte").hasMessageContaining("truncated");
  }

  @Test
  void wrongMagicIsRefusedNamingTheFile() throws Exception {
    TestFiles.writeIdx(dir, "train", 20, false);
    Path labels = dir.resolve("train-labels-idx1-ubyte");
    byte[] all = Files.readAllBytes(labels);
    all[3] = 0x03;
    Files.write(labels, all);
    assertThatThrownBy(() -> IdxDataset.open(dir, Split.TRAIN))
        .isInstanceOf(BadInputException.class).hasMessageContaining("train-labels-idx1-ubyte").hasMessageContaining("magic");
  }

  @Test
  void corruptGzipIsRefused() throws Exception {
    TestFiles.writeIdx(dir, "train", 20, true);
    Path images = dir.resolve("train-images-idx3-ubyte.gz");
    byte[] all = Files.readAllBytes(images);
    Files.write(images, java.util.Arrays.copyOf(all, all.length / 2));
    assertThatThrownBy(() -> IdxDataset.open(dir, Split.TRAIN))
        .isInstanceOf(BadInputException.class).hasMessageContaining("train-images-idx3-ubyte.gz");
  }

  @Test
  void cifarBatchOfWrongSizeIsRefused() throws Exception {
    for (int i = 1; i <= 5; i++) {
      Files.write(dir.resolve("data_batch_" + i + ".bin"), new byte[3073 * 2]);
    }
    assertThat(Cifar10Dataset.open(dir, Split.TRAIN).size()).isEqualTo(10);
    Files.write(dir.resolve("data_batch_3.bin"), new byte[3073 * 2 - 5]);
    assertThatThrownBy(() -> Cifar10Dataset.open(dir, Split.TRAIN))
        .isInstanceOf(BadInputException.class).hasMessageContaining("data_batch_3.bin").hasMessageContaining("3073");
  }

  @Test
  void unreadableImageFailsByDefaultAndIsCountedWhenSkipped() throws Exception {
    Path cat = Files.createDirectories(dir.resolve("cat"));
    Path dog = Files.createDirectories(dir.resolve("dog"));
    BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
    img.setRGB(20, 15, 0xff0000);
    ImageIO.write(img, "png", cat.resolve("a.png").toFile());
    ImageIO.write(img, "jpg", dog.resolve("b.jpg").toFile());
    Files.writeString(dog.resolve("broken.jpg"), "not a jpeg");
    ImageFolderDataset strict = ImageFolderDataset.open(dir, 16, 3, false);
    assertThat(strict.size()).isEqualTo(3);
    assertThat(strict.numClasses()).isEqualTo(2);
    float[] x = new float[3 * 16 * 16];
    strict.readImage(0, x);
    assertThatThrownBy(() -> strict.readImage(2, x))
        .isInstanceOf(BadInputException.class).hasMessageContaining("broken.jpg");
    ImageFolderDataset lenient = ImageFolderDataset.open(dir, 16, 3, true);
    lenient.readImage(2, x);
    lenient.readImage(2, x);
    assertThat(lenient.skippedImages()).as("a file is counted once, however often it is read").isEqualTo(1);
    // augmentation and evaluation read the original, not a pre-shrunk square
    ImageDataset.Image full = lenient.read(0);
    assertThat(full.h()).isEqualTo(30);
    assertThat(full.w()).isEqualTo(40);
  }
}
