package io.rela.trainer.data;

import io.rela.trainer.BadInputException;
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
    Idx img = read(images, IMAGES_MAGIC, 3);
    int n = img.dims[0];
    Idx lab = read(labelFile, LABELS_MAGIC, 1);
    if (lab.dims[0] != n) {
      throw new BadInputException(labelFile + ": holds " + lab.dims[0] + " labels, but " + images.getFileName() + " holds "
          + n + " images");
    }
    int rows = img.dims[1];
    int cols = img.dims[2];
    byte[] px = img.payload;
    byte[] lb = lab.payload;
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
      if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          throw new BadInputException(p + ": not a regular file (links, pipes and devices are not read)");
        }
        return p;
      }
    }
    throw new BadInputException("dataset folder " + folder + " has no " + base + ".gz or " + base);
  }

  /** An IDX file's dimensions and its payload. */
  private record Idx(int[] dims, byte[] payload) {}

  /**
   * Reads an IDX file (gzip or plain) header first: the magic number and dimensions are checked
   * before any payload is read or inflated, and then exactly the bytes the header announces are
   * read, so a file whose header lies (or a small .gz that inflates to gigabytes) costs no more
   * memory than a plausible header allows.
   */
  private static Idx read(Path file, int magic, int dimensions) {
    try (InputStream raw = Files.newInputStream(file, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw) {
      ByteBuffer head = ByteBuffer.wrap(in.readNBytes(4 + 4 * dimensions));
      if (head.capacity() < 4 + 4 * dimensions || head.getInt() != magic) {
        throw new BadInputException(file + ": not an IDX " + (dimensions == 3 ? "image" : "label")
            + " file (wrong magic number, expected 0x" + String.format("%08x", magic) + ")");
      }
      int[] dims = new int[dimensions];
      long bytes = 1;
      for (int i = 0; i < dimensions; i++) {
        dims[i] = head.getInt();
        bytes *= Math.max(dims[i], 0);
      }
      boolean plausible = dims[0] > 0 && (dimensions == 1 || dims[1] > 0 && dims[2] > 0 && dims[1] <= 4096 && dims[2] <= 4096);
      if (!plausible || bytes > Integer.MAX_VALUE - 64) {
        throw new BadInputException(file + ": implausible IDX header (" + java.util.Arrays.toString(dims) + ")");
      }
      byte[] payload = in.readNBytes((int) bytes);
      if (payload.length != bytes) {
        throw new BadInputException(file + ": truncated: " + (4 + 4 * dimensions + payload.length) + " bytes, header says "
            + (4 + 4 * dimensions + bytes));
      }
      if (in.read() != -1) {
        throw new BadInputException(file + ": padded: more bytes than the header's " + (4 + 4 * dimensions + bytes));
      }
      return new Idx(dims, payload);
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
