package io.rela.trainer.data;

/**
 * A labelled image dataset read sample by sample. Images come out as CHW floats in [0, 1];
 * implementations must be safe to read from several worker threads at once.
 */
public interface ImageDataset {

  int size();

  int channels();

  int height();

  int width();

  int numClasses();

  int label(int index);

  /** Writes sample {@code index} into {@code dst} (length channels*height*width). */
  void readImage(int index, float[] dst);

  /** A stable description of the data (format, content digest, sample count) for cache keys. */
  String identity();

  /**
   * One decoded image at its own resolution (c x h x w in [0, 1]): what augmentation crops
   * from and preprocessing resizes. Fixed-size formats return their height() x width() image.
   */
  record Image(float[] chw, int c, int h, int w) {}

  default Image read(int index) {
    float[] dst = new float[pixels()];
    readImage(index, dst);
    return new Image(dst, channels(), height(), width());
  }

  /** Unreadable images skipped so far (decoded as black), when the dataset may skip them. */
  default int skippedImages() {
    return skippedFiles().size();
  }

  /** The files of those images (a split read twice, or two splits of one folder, name each once). */
  default java.util.Set<String> skippedFiles() {
    return java.util.Set.of();
  }

  default int pixels() {
    return channels() * height() * width();
  }

  /** The first {@code n} samples (all of them when n is null or larger than the set). */
  default ImageDataset limit(Integer n) {
    if (n == null || n >= size()) {
      return this;
    }
    ImageDataset base = this;
    return new ImageDataset() {
      @Override public int size() { return n; }
      @Override public int channels() { return base.channels(); }
      @Override public int height() { return base.height(); }
      @Override public int width() { return base.width(); }
      @Override public int numClasses() { return base.numClasses(); }
      @Override public int label(int index) { return base.label(index); }
      @Override public void readImage(int index, float[] dst) { base.readImage(index, dst); }
      @Override public String identity() { return base.identity() + "|first=" + n; }
      @Override public Image read(int index) { return base.read(index); }
      @Override public java.util.Set<String> skippedFiles() { return base.skippedFiles(); }
    };
  }
}
