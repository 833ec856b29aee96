package io.rela.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Volume;

/**
 * Where the training images are and how they are stored. The volume is limited to data
 * sources: a user allowed to create ReLATrainingJobs but not pods must not get a node's files
 * (hostPath), the namespace's Secrets or ConfigMaps, or service-account tokens (projected)
 * mounted into a pod through the operator.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.volume) || has(self.volume.persistentVolumeClaim) || has(self.volume.nfs)"
    + " || has(self.volume.csi) || has(self.volume.ephemeral)",
    message = "must be a data source: persistentVolumeClaim, nfs, csi or ephemeral (hostPath, secret, configMap,"
        + " projected, downwardAPI, emptyDir and the other volume types are refused)", fieldPath = ".volume")
// a data source alongside another kind: the rule above already names a volume with no data source
@ValidationRule(value = "!has(self.volume) || !(has(self.volume.persistentVolumeClaim) || has(self.volume.nfs)"
    + " || has(self.volume.csi) || has(self.volume.ephemeral)) || !(has(self.volume.hostPath) || has(self.volume.secret)"
    + " || has(self.volume.configMap) || has(self.volume.projected) || has(self.volume.downwardAPI)"
    + " || has(self.volume.emptyDir) || has(self.volume.gitRepo) || has(self.volume.flexVolume))",
    message = "hostPath, secret, configMap, projected, downwardAPI, emptyDir, gitRepo and flexVolume volumes are refused:"
        + " the dataset must come from a persistentVolumeClaim, nfs, csi or ephemeral volume", fieldPath = ".volume")
@ValidationRule(value = "!has(self.volume) || !has(self.volume.csi) || !has(self.volume.csi.nodePublishSecretRef)",
    message = "csi.nodePublishSecretRef is refused: a dataset volume may not use the namespace's Secrets",
    fieldPath = ".volume")
// an ephemeral claim cloned from another claim or a snapshot would read data the author names
// but may not be allowed to read
@ValidationRule(value = "!has(self.volume) || !has(self.volume.ephemeral) || !has(self.volume.ephemeral.volumeClaimTemplate)"
    + " || !(has(self.volume.ephemeral.volumeClaimTemplate.spec.dataSource)"
    + " || has(self.volume.ephemeral.volumeClaimTemplate.spec.dataSourceRef))",
    message = "ephemeral.volumeClaimTemplate.spec.dataSource and dataSourceRef are refused: a dataset volume may not clone"
        + " another claim or a snapshot", fieldPath = ".volume")
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
  @JsonPropertyDescription("Volume holding the dataset, mounted read-only at /data: a persistentVolumeClaim, nfs, csi (without nodePublishSecretRef) or ephemeral volume source; hostPath, secret, configMap, projected and the other types are refused. Its name is ignored.")
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
