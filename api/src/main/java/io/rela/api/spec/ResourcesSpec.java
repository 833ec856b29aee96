package io.rela.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** Compute of each trainer pod. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ResourcesSpec {

  /** GPUs per pod. */
  @Default("0")
  @Min(0)
  @Max(16)
  @JsonPropertyDescription("GPUs per trainer pod (limit nvidia.com/gpu). 0 runs on the CPU.")
  public Integer gpus;

  /** CPU per pod. */
  @Pattern("^([0-9]+(\\.[0-9]+)?|[0-9]+m)$")
  @JsonPropertyDescription("CPU request and limit per trainer pod, as a Kubernetes quantity (e.g. 4, 500m).")
  public String cpu;

  /** Memory per pod. */
  @Pattern("^[0-9]+(Ki|Mi|Gi|Ti|K|M|G|T)?$")
  @JsonPropertyDescription("Memory request and limit per trainer pod, as a Kubernetes quantity (e.g. 8Gi).")
  public String memory;
}
