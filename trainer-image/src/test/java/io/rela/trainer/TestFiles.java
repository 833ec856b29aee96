package io.rela.trainer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Small generated datasets and job files for tests. */
public final class TestFiles {

  public static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

  private TestFiles() {}

  /** An IDX pair of {@code n} 8x8 images with labels i % 10. */
  public static void writeIdx(Path dir, String prefix, int n, boolean gzip) throws IOException {
    Files.createDirectories(dir);
    ByteBuffer img = ByteBuffer.allocate(16 + n * 64).putInt(0x803).putInt(n).putInt(8).putInt(8);
    for (int i = 0; i < n * 64; i++) {
      img.put((byte) (i * 7));
    }
    ByteBuffer lab = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
    for (int i = 0; i < n; i++) {
      lab.put((byte) (i % 10));
    }
    write(dir.resolve(prefix + "-images-idx3-ubyte" + (gzip ? ".gz" : "")), img.array(), gzip);
    write(dir.resolve(prefix + "-labels-idx1-ubyte" + (gzip ? ".gz" : "")), lab.array(), gzip);
  }

  public static void write(Path file, byte[] bytes, boolean gzip) throws IOException {
    try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
      out.write(bytes);
    }
  }

  /** A ReLATrainingJob YAML for a quick CPU run on the first {@code samples} Fashion-MNIST images. */
  public static Path quickJob(Path dir, String name, int samples, int epochs, String relaPart) throws IOException {
    String yaml = """
        apiVersion: rela.io/v1alpha1
        kind: ReLATrainingJob
        metadata:
          name: %s
        spec:
          dataset:
            format: FashionMNIST
            path: %s
          model:
            backbone: convnet4
            projectionDim: 64
            hiddenDim: 128
          training:
            epochs: %d
            batchSize: 64
            maxSamples: %d
            workers: 2
          rela:
            %s
          evaluation:
            linearProbeEpochs: 20
            maxSamples: 256
        """.formatted(name, FASHION_MNIST, epochs, samples, relaPart.replace("\n", "\n    "));
    Path f = dir.resolve(name + ".yaml");
    Files.writeString(f, yaml);
    return f;
  }
}
