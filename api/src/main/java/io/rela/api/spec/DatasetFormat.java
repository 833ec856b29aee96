package io.rela.api.spec;

/** Storage formats the trainer reads. */
public enum DatasetFormat {
  /** One folder per class of JPEG or PNG files. */
  ImageFolder,
  /** Fashion-MNIST IDX files. */
  FashionMNIST,
  /** CIFAR-10 binary batches. */
  CIFAR10
}
