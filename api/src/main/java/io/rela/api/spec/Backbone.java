package io.rela.api.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Student backbones the trainer can build. */
public enum Backbone {
  /** ResNet-18, 512 features. */
  @JsonProperty("resnet18")
  RESNET18,
  /** ResNet-50, 2048 features. */
  @JsonProperty("resnet50")
  RESNET50,
  /** Four conv-BN-ReLU blocks (32, 64, 128, 256 channels), 256 features; for CPU runs. */
  @JsonProperty("convnet4")
  CONVNET4
}
