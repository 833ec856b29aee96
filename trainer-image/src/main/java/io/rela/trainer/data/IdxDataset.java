package io.rela.trainer.data;

import io.rela.trainer.BadInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Fashion-MNIST (or MNIST) in IDX format, gzipped or plain; held in memory (47 MB). */
public final class IdxDataset implements ImageDataset {

  private static final int IMAGES_MAGIC = 0x00000803;
  private static final int LABELS_MAGIC = 0x00000801;

  private final byte[] pixels;
  private final byte[] labels;
  private final int count;
  private final int rows;
  private final int cols;
  private final String identity;

  private IdxDataset(byte[] pixels, byte[] labels, int count, int rows, int cols, String identity) {
    this.pixels = pixels;
    this.labels = labels;
    this.count = count;
    this.rows = rows;
    this.cols = cols;
    this.identity = identity;
  }

  /** Opens the train or t10k split in {@code folder}. */
  public static IdxDataset open(Path folder, Split split) {
    String prefix = split == Split.TRAIN ? "train" : "t10k";
    Path images = find(folder, prefix + "-images-idx3-ubyte");
    Path labelFile = find(folder, prefix + "-labels-idx1-ubyte");
    ByteBuffer img = ByteBuffer.wrap(read(images));
    ByteBuffer lab = ByteBuffer.wrap(read(labelFile));
    if (img.remaining() < 16 || img.getInt() != IMAGES_MAGIC) {
      throw new BadInputException(images + ": not an IDX image file (wrong magic number, expected 0x00000803)");
    }
    int n = img.getInt();
    int rows = img.getInt();
    int cols = img.getInt();
    if (n <= 0 || rows <= 0 || cols <= 0 || rows > 4096 || cols > 4096) {
      throw new BadInputException(images + ": implausible IDX header (" + n + " images of " + rows + "x" + cols + ")");
    }
    long expected = 16L + (long) n * rows * cols;
    if (img.capacity() != expected) {
      throw new BadInputException(images + ": truncated or padded: " + img.capacity() + " bytes, header says " + expected);
    }
    if (lab.remaining() < 8 || lab.getInt() != LABELS_MAGIC) {
      throw new BadInputException(labelFile + ": not an IDX label file (wrong magic number, expected 0x00000801)");
    }
    int nl = lab.getInt();
    if (nl != n || lab.capacity() != 8L + n) {
      throw new BadInputException(labelFile + ": holds " + nl + " labels in " + lab.capacity() + " bytes, but "
          + images.getFileName() + " holds " + n + " images");
    }
    byte[] px = new byte[n * rows * cols];
    img.get(px);
    byte[] lb = new byte[n];
    lab.get(lb);
    for (int i = 0; i < n; i++) {
      if (lb[i] < 0 || lb[i] > 9) {
        throw new BadInputException(labelFile + ": label " + lb[i] + " of sample " + i + " is outside 0-9");
      }
    }
    return new IdxDataset(px, lb, n, rows, cols, "idx:" + prefix + ":" + n + ":" + rows + "x" + cols + ":sha256="
        + ContentDigest.of(px, lb));
  }

  private static Path find(Path folder, String base) {
    if (!Files.isDirectory(folder)) {
      throw new BadInputException("dataset folder " + folder + " does not exist");
    }
    for (String name : new String[] {base + ".gz", base}) {
      Path p = folder.resolve(name);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new BadInputException("dataset folder " + folder + " has no " + base + ".gz or " + base);
  }

  private static byte[] read(Path file) {
    try (InputStream raw = Files.newInputStream(file)) {
      if (file.toString().endsWith(".gz")) {
        try (InputStream in = new GZIPInputStream(raw, 1 << 16)) {
          ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
          in.transferTo(out);
          return out.toByteArray();
        }
      }
      return raw.readAllBytes();
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read (" + e.getMessage() + "); the file is truncated or not gzip", e);
    }
  }

  @Override public int size() { return count; }
  @Override public int channels() { return 1; }
  @Override public int height() { return rows; }
  @Override public int width() { return cols; }
  @Override public int numClasses() { return 10; }
  @Override public int label(int index) { return labels[index]; }
  @Override public String identity() { return identity; }

  @Override
  public void readImage(int index, float[] dst) {
    int n = rows * cols;
    int off = index * n;
    for (int i = 0; i < n; i++) {
      dst[i] = (pixels[off + i] & 0xff) / 255f;
    }
  }
}
