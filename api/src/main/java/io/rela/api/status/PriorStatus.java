package io.rela.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** The prior embedding a run uses. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PriorStatus {

  @JsonPropertyDescription("Cache key of the embedding: a digest of dataset, prior and input size.")
  public String cacheKey;

  @JsonPropertyDescription("Width d of the prior's embeddings.")
  public Integer dimension;

  @JsonPropertyDescription("Samples embedded.")
  public Long samples;

  @JsonPropertyDescription("True when the embedding came from the shared cache and no embedding pass ran.")
  public Boolean reused;

  @Override
  public boolean equals(Object o) {
    return o instanceof PriorStatus p && Objects.equals(cacheKey, p.cacheKey)
        && Objects.equals(dimension, p.dimension) && Objects.equals(samples, p.samples)
        && Objects.equals(reused, p.reused);
  }

  @Override
  public int hashCode() {
    return Objects.hash(cacheKey, dimension, samples, reused);
  }
}
