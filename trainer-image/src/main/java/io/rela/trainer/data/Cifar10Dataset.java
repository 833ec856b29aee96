package io.rela.trainer.data;

import io.rela.trainer.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** CIFAR-10 binary batches (data_batch_1..5.bin, test_batch.bin); 3x32x32, held in memory. */
public final class Cifar10Dataset implements ImageDataset {

  private static final int RECORD = 1 + 3 * 32 * 32;

  private final byte[][] batches;
  private final int count;
  private final String identity;

  private Cifar10Dataset(byte[][] batches, int count, String identity) {
    this.batches = batches;
    this.count = count;
    this.identity = identity;
  }

  public static Cifar10Dataset open(Path folder, Split split) {
    if (!Files.isDirectory(folder)) {
      throw new BadInputException("dataset folder " + folder + " does not exist");
    }
    List<String> names = new ArrayList<>();
    if (split == Split.TRAIN) {
      for (int i = 1; i <= 5; i++) {
        names.add("data_batch_" + i + ".bin");
      }
    } else {
      names.add("test_batch.bin");
    }
    byte[][] data = new byte[names.size()][];
    int total = 0;
    for (int i = 0; i < names.size(); i++) {
      Path f = folder.resolve(names.get(i));
      if (!Files.isRegularFile(f)) {
        throw new BadInputException("dataset folder " + folder + " has no " + names.get(i));
      }
      try {
        data[i] = Files.readAllBytes(f);
      } catch (IOException e) {
        throw new BadInputException(f + ": cannot read (" + e.getMessage() + ")", e);
      }
      if (data[i].length == 0 || data[i].length % RECORD != 0) {
        throw new BadInputException(f + ": " + data[i].length + " bytes is not a whole number of 3073-byte CIFAR-10 records (truncated?)");
      }
      for (int r = 0; r < data[i].length; r += RECORD) {
        if ((data[i][r] & 0xff) > 9) {
          throw new BadInputException(f + ": record " + (r / RECORD) + " has label " + (data[i][r] & 0xff) + ", outside 0-9 (not a CIFAR-10 binary batch?)");
        }
      }
      total += data[i].length / RECORD;
    }
    return new Cifar10Dataset(data, total, "cifar10:" + split + ":" + total + ":sha256=" + ContentDigest.of(data));
  }

  private byte[] batchOf(int index) {
    return batches[index / (batches[0].length / RECORD)];
  }

  private int offsetOf(int index) {
    return (index % (batches[0].length / RECORD)) * RECORD;
  }

  @Override public int size() { return count; }
  @Override public int channels() { return 3; }
  @Override public int height() { return 32; }
  @Override public int width() { return 32; }
  @Override public int numClasses() { return 10; }
  @Override public int label(int index) { return batchOf(index)[offsetOf(index)] & 0xff; }
  @Override public String identity() { return identity; }

  @Override
  public void readImage(int index, float[] dst) {
    byte[] b = batchOf(index);
    int off = offsetOf(index) + 1;
    for (int i = 0; i < 3072; i++) {
      dst[i] = (b[off + i] & 0xff) / 255f;
    }
  }
}
