package io.rela.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** The student backbone and the BYOL heads. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelSpec {

  /** Backbone architecture. */
  @Default("resnet18")
  @JsonPropertyDescription("Backbone: resnet18, resnet50, or convnet4 (a 4-block conv net for CPU runs).")
  public Backbone backbone;

  /** CIFAR-style stem. */
  @Default("true")
  @JsonPropertyDescription("Use the small-image stem (3x3 stride-1 first convolution, no max pool) for ResNets, as for 28-32 px images.")
  public Boolean cifarStem;

  /** Output width of projector and predictor. */
  @Default("256")
  @Min(8)
  @Max(8192)
  @JsonPropertyDescription("Output width of the BYOL projector and predictor.")
  public Integer projectionDim;

  /** Hidden width of projector and predictor. */
  @Min(8)
  @Max(16384)
  @JsonPropertyDescription("Hidden width of the BYOL projector and predictor. Defaults to twice the backbone's feature width.")
  public Integer hiddenDim;
}
