package io.rela.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Volume;

/** Where the training images are and how they are stored. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DatasetSpec {

  /** Storage format of the dataset. */
  @Required
  @JsonPropertyDescription("Storage format: ImageFolder (one folder per class of JPEG/PNG files), FashionMNIST (IDX files, .gz or plain) or CIFAR10 (binary batches).")
  public DatasetFormat format;

  /** Path of the training split. */
  @Required
  @JsonPropertyDescription("Path of the training split inside the trainer pod (under the dataset volume's mount, /data), or a local path for `rela-trainer run`.")
  public String path;

  /** Path of the evaluation split. */
  @JsonPropertyDescription("Path of the labelled test split used by the linear probe. Defaults to path: the IDX/CIFAR formats hold both splits in one folder.")
  public String evalPath;

  /** Volume that holds the dataset. */
  @JsonPropertyDescription("Volume holding the dataset, mounted read-only at /data. Any core/v1 volume source (persistentVolumeClaim, nfs, csi, ...); its name is ignored.")
  public Volume volume;

  /** Student input size. */
  @Min(8)
  @Max(1024)
  @JsonPropertyDescription("Side in pixels of the square images the student sees. Defaults to the format's native size (28 for FashionMNIST, 32 for CIFAR10, 224 for ImageFolder).")
  public Integer imageSize;

  /** Channels of the student input. */
  @Min(1)
  @Max(3)
  @JsonPropertyDescription("Channels the student takes (1 or 3). Defaults to the format's native channel count.")
  public Integer channels;
}
