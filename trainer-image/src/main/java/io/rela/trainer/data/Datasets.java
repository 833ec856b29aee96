package io.rela.trainer.data;

import io.rela.api.spec.DatasetFormat;
import java.nio.file.Path;

/** Opens a dataset of any supported format. */
public final class Datasets {

  private Datasets() {}

  public static ImageDataset open(DatasetFormat format, Path path, Split split, int imageSize, int channels,
      boolean skipUnreadable) {
    return switch (format) {
      case FashionMNIST -> IdxDataset.open(path, split);
      case CIFAR10 -> Cifar10Dataset.open(path, split);
      case ImageFolder -> ImageFolderDataset.open(path, imageSize, channels, skipUnreadable);
    };
  }

  /** The format's native image side. */
  public static int nativeSize(DatasetFormat format) {
    return switch (format) {
      case FashionMNIST -> 28;
      case CIFAR10 -> 32;
      case ImageFolder -> 224;
    };
  }

  public static int nativeChannels(DatasetFormat format) {
    return format == DatasetFormat.FashionMNIST ? 1 : 3;
  }

  /** Per-channel mean and std the student normalises with. */
  public static Normalisation normalisation(DatasetFormat format, int channels) {
    if (format == DatasetFormat.FashionMNIST && channels == 1) {
      return new Normalisation(new float[] {0.2860f}, new float[] {0.3530f});
    }
    if (channels == 1) {
      return new Normalisation(new float[] {0.449f}, new float[] {0.226f});
    }
    return new Normalisation(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
  }
}
