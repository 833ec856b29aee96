package io.rela.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rela.api.contract.ProgressReport;
import io.rela.trainer.BadInputException;
import io.rela.trainer.progress.EpochHistory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Files made to hurt: each is refused (exit 2 in the CLI) naming the file, never followed or decoded whole. */
class HostileFilesTest {

  @TempDir
  Path dir;

  private Path imageFolder() throws Exception {
    Path root = dir.resolve("folder");
    for (String c : List.of("a", "b")) {
      Files.createDirectories(root.resolve(c));
      ImageIO.write(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB), "png", root.resolve(c).resolve("ok.png").toFile());
    }
    return root;
  }

  /**
   * A greyscale PNG whose header announces {@code w x h} pixels; its one compressed row repeats,
   * so a few hundred KB would inflate to w x h bytes. Only the header matters here: the file is
   * refused before any decoder sees its pixels.
   */
  private static byte[] pngAnnouncing(int w, int h) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(OutputStream out, String type, byte[] data) throws Exception {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    crc.update(data);
    out.write(ByteBuffer.allocate(4).putInt(data.length).array());
    out.write(type.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    out.write(data);
    out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  @Test
  void anImageAnnouncingMorePixelsThanTheLimitIsRefusedBeforeDecoding() throws Exception {
    Path root = imageFolder();
    Path huge = root.resolve("a").resolve("huge.png");
    Files.write(huge, pngAnnouncing(20_000, 20_000));
    ImageFolderDataset data = ImageFolderDataset.open(root, 16, 3, true);
    assertThat(data.size()).isEqualTo(3);
    // even with skipUnreadable: it is refused, not decoded as black
    assertThatThrownBy(() -> {
      for (int i = 0; i < data.size(); i++) {
        data.read(i);
      }
    }).isInstanceOf(BadInputException.class).hasMessageContaining("huge.png").hasMessageContaining("400000000 pixels");
  }

  @Test
  void linksAndPipesInAnImageFolderAreRefusedNotFollowed() throws Exception {
    Path root = imageFolder();
    Files.createSymbolicLink(root.resolve("a").resolve("secret.png"), Path.of("/etc/hostname"));
    assertThatThrownBy(() -> ImageFolderDataset.open(root, 16, 3, false))
        .isInstanceOf(BadInputException.class).hasMessageContaining("secret.png").hasMessageContaining("symbolic link");
    Files.delete(root.resolve("a").resolve("secret.png"));

    Path fifo = root.resolve("b").resolve("pipe.jpg");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0).isTrue();
    assertThatThrownBy(() -> ImageFolderDataset.open(root, 16, 3, false))
        .isInstanceOf(BadInputException.class).hasMessageContaining("pipe.jpg").hasMessageContaining("pipe, socket or device");
    Files.delete(fifo);

    // a class folder that is a link to somewhere else is not a class of this dataset
    Files.createSymbolicLink(root.resolve("c"), dir);
    assertThat(ImageFolderDataset.open(root, 16, 3, false).numClasses()).isEqualTo(2);
  }

  @Test
  @Timeout(30)
  void aGzipBombIsRefusedFromItsHeaderWithoutInflatingIt() throws Exception {
    Path folder = dir.resolve("idx");
    Files.createDirectories(folder);
    // a header claiming 1,000,000 images of 4096 x 4096 pixels: implausible, refused after 16 bytes
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(folder.resolve("train-images-idx3-ubyte.gz")))) {
      out.write(ByteBuffer.allocate(16).putInt(0x803).putInt(1_000_000).putInt(4096).putInt(4096).array());
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 64; i++) {
        out.write(zeros);
      }
    }
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(folder.resolve("train-labels-idx1-ubyte.gz")))) {
      out.write(ByteBuffer.allocate(8).putInt(0x801).putInt(1_000_000).array());
    }
    assertThatThrownBy(() -> IdxDataset.open(folder, Split.TRAIN))
        .isInstanceOf(BadInputException.class).hasMessageContaining("train-images-idx3-ubyte.gz")
        .hasMessageContaining("implausible IDX header");

    // a plausible header over more data than it announces is refused as padded, after the announced bytes only
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(folder.resolve("train-images-idx3-ubyte.gz")))) {
      out.write(ByteBuffer.allocate(16).putInt(0x803).putInt(2).putInt(2).putInt(2).array());
      out.write(new byte[1 << 20]);
    }
    assertThatThrownBy(() -> IdxDataset.open(folder, Split.TRAIN))
        .isInstanceOf(BadInputException.class).hasMessageContaining("padded");
  }

  @Test
  void aTornLastProgressLineIsSkipped() throws Exception {
    Path log = dir.resolve("progress.jsonl");
    Files.writeString(log, "{\"epoch\":1,\"totalEpochs\":2,\"epochEnd\":true,\"loss\":0.5}\n"
        + "{\"epoch\":2,\"totalEpochs\":2,\"epochEnd\":true,\"lo");
    List<ProgressReport> epochs = EpochHistory.read(log);
    assertThat(epochs).hasSize(1);
    assertThat(epochs.get(0).epoch).isEqualTo(1);
  }
}
