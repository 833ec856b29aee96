package io.rela.trainer.data;

import io.rela.trainer.BadInputException;
import io.rela.trainer.image.Pixels;
import io.rela.trainer.image.Resize;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * One folder per class of JPEG/PNG files. Only the file list is held in memory; each image is
 * decoded when read (by the loader's workers), its shorter side resized to {@code size} and
 * centre-cropped, so every sample has the same shape.
 */
public final class ImageFolderDataset implements ImageDataset {

  private final List<Path> files;
  private final int[] labels;
  private final int classes;
  private final int size;
  private final int channels;
  private final boolean skipUnreadable;
  /** The files found unreadable (each counted once however often it is read). */
  private final java.util.Set<String> skipped = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final String identity;

  private ImageFolderDataset(List<Path> files, int[] labels, int classes, int size, int channels,
      boolean skipUnreadable, String identity) {
    this.files = files;
    this.labels = labels;
    this.classes = classes;
    this.size = size;
    this.channels = channels;
    this.skipUnreadable = skipUnreadable;
    this.identity = identity;
  }

  public static ImageFolderDataset open(Path root, int size, int channels, boolean skipUnreadable) {
    if (!Files.isDirectory(root)) {
      throw new BadInputException("dataset folder " + root + " does not exist");
    }
    List<Path> classDirs;
    try (Stream<Path> s = Files.list(root)) {
      // links are not followed: a class folder or image must be inside the dataset itself
      classDirs = s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
    } catch (IOException e) {
      throw new BadInputException("cannot list " + root + ": " + e.getMessage(), e);
    }
    if (classDirs.isEmpty()) {
      throw new BadInputException("dataset folder " + root + " has no class folders (ImageFolder expects one folder per class)");
    }
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (int c = 0; c < classDirs.size(); c++) {
      try (Stream<Path> s = Files.list(classDirs.get(c))) {
        for (Path f : s.filter(ImageFolderDataset::isImage).sorted().toList()) {
          if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            throw new BadInputException(f + ": not a regular file (" + kind(f) + "); an ImageFolder dataset is read"
                + " only from regular files, never through links, pipes or devices");
          }
          files.add(f);
          labels.add(c);
        }
      } catch (IOException e) {
        throw new BadInputException("cannot list " + classDirs.get(c) + ": " + e.getMessage(), e);
      }
    }
    if (files.isEmpty()) {
      throw new BadInputException("dataset folder " + root + " has no .jpg, .jpeg or .png files in its class folders");
    }
    String digest;
    try {
      digest = ContentDigest.ofFiles(root, files);
    } catch (IOException e) {
      throw new BadInputException("cannot read " + root + ": " + e.getMessage(), e);
    }
    return new ImageFolderDataset(files, labels.stream().mapToInt(Integer::intValue).toArray(), classDirs.size(),
        size, channels, skipUnreadable, "folder:" + files.size() + ":" + size + ":files-sha256=" + digest);
  }

  private static String kind(Path f) {
    return Files.isSymbolicLink(f) ? "a symbolic link" : Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS) ? "a folder"
        : "a pipe, socket or device";
  }

  /**
   * Largest image decoded, in pixels: 6000 x 6000. Checked from the file's header before
   * decoding, since a small compressed file can announce a picture that fills any heap.
   */
  public static final long MAX_PIXELS = 36_000_000L;

  /** An image file's bytes as ImageIO reads them: from memory, without ImageIO's disk cache. */
  private static javax.imageio.stream.ImageInputStream stream(byte[] bytes) {
    return new javax.imageio.stream.MemoryCacheImageInputStream(new java.io.ByteArrayInputStream(bytes));
  }

  /** Width x height from an image's header, or -1 when no reader knows the bytes. */
  static long pixelsOf(byte[] bytes) throws IOException {
    try (javax.imageio.stream.ImageInputStream in = stream(bytes)) {
      java.util.Iterator<javax.imageio.ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return -1;
      }
      javax.imageio.ImageReader r = readers.next();
      try {
        r.setInput(in, true, true);
        return (long) r.getWidth(0) * r.getHeight(0);
      } finally {
        r.dispose();
      }
    }
  }

  private static boolean isImage(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
  }

  /** Images that could not be decoded and were replaced by black (only with skipUnreadable). */
  @Override
  public java.util.Set<String> skippedFiles() {
    return java.util.Set.copyOf(skipped);
  }

  @Override public int size() { return files.size(); }
  @Override public int channels() { return channels; }
  @Override public int height() { return size; }
  @Override public int width() { return size; }
  @Override public int numClasses() { return classes; }
  @Override public int label(int index) { return labels[index]; }
  @Override public String identity() { return identity; }

  /** The image at {@code size} x {@code size}: shorter side resized (antialiased), centre cropped. */
  @Override
  public void readImage(int index, float[] dst) {
    Image img = read(index);
    Resize.resizeShorterAndCenterCrop(img.chw(), channels, img.h(), img.w(), size, dst);
  }

  /**
   * The image at its full resolution, so RandomResizedCrop and the evaluation's Resize and
   * CenterCrop work from the original, as torchvision's do (an unreadable image, when skipped,
   * is a black square of the dataset's size).
   */
  @Override
  public Image read(int index) {
    Path f = files.get(index);
    // read once: the header check and the decoder work from the same bytes
    byte[] bytes;
    long pixels;
    try {
      bytes = Files.readAllBytes(f);
      pixels = pixelsOf(bytes);
    } catch (IOException e) {
      bytes = null;
      pixels = -1;
    }
    if (pixels > MAX_PIXELS) {
      // refused whatever --skip-unreadable-images says: it is not unreadable, it is hostile or a mistake
      throw new BadInputException(f + ": " + pixels + " pixels, more than the " + MAX_PIXELS + " (6000 x 6000) the trainer"
          + " decodes; resize it or remove it from the dataset");
    }
    TurboJpeg turbo = TurboJpeg.get();
    String name = f.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (bytes != null && turbo != null && (name.endsWith(".jpg") || name.endsWith(".jpeg"))) {
      TurboJpeg.Rgb rgb = turbo.decode(bytes);
      if (rgb != null) {
        return new Image(Pixels.fromRgbBytes(rgb.pixels(), rgb.h(), rgb.w(), channels), channels, rgb.h(), rgb.w());
      }
    }
    BufferedImage img = null;
    if (bytes != null) {
      try {
        // ImageIO closes the stream it reads (a memory one: nothing to release when it does not)
        img = ImageIO.read(stream(bytes));
      } catch (IOException e) {
        // unreadable: reported below
      }
    }
    if (img == null) {
      if (skipUnreadable) {
        if (skipped.add(f.toString())) {
          System.err.println("skipping unreadable image " + f + " (decoded as black)");
        }
        return new Image(new float[channels * size * size], channels, size, size);
      }
      throw new BadInputException(f + ": cannot decode the image (not a readable JPEG/PNG); pass --skip-unreadable-images to skip such files");
    }
    return new Image(Pixels.fromRgb(img, channels), channels, img.getHeight(), img.getWidth());
  }
}
