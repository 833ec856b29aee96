package io.rela.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** Where checkpoints, targets and reports live. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkspaceSpec {

  /** Size of a new claim. */
  @Default("10Gi")
  @Pattern("^[0-9]+(Ki|Mi|Gi|Ti)$")
  @JsonPropertyDescription("Size of the workspace claim the operator creates (ignored with claimName).")
  public String size;

  /** Storage class of a new claim. */
  @JsonPropertyDescription("StorageClass of the workspace claim the operator creates. Unset: the cluster default.")
  public String storageClassName;

  /** Keep the created claim when the job is deleted. */
  @Default("false")
  @JsonPropertyDescription("Keep the claim the operator creates (<name>-workspace) when the job is deleted: a job created"
      + " again with the same name uses it and resumes from its checkpoints. Delete the claim by hand when done.")
  public Boolean retain;

  /** Existing claim. */
  @JsonPropertyDescription("Use this existing PersistentVolumeClaim as the workspace instead of creating one.")
  public String claimName;
}
