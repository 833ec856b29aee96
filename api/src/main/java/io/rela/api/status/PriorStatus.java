package io.rela.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** The prior embedding a run uses. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PriorStatus {

  @JsonPropertyDescription("The embedding's key in the cache, as the trainer made it from content (the dataset's identity,"
      + " the prior file's digest or its source job's UID, the input size); set once a trainer pod reports it.")
  public String cacheKey;

  @JsonPropertyDescription("For a shared cache claim: the operator's index key, a digest of the spec fields that name the"
      + " dataset and the prior. A later job with the same index key skips its embedding stage; its trainer still checks"
      + " the cache by cacheKey and embeds what is missing.")
  public String indexKey;

  @JsonPropertyDescription("Width d of the prior's embeddings.")
  public Integer dimension;

  @JsonPropertyDescription("Samples embedded.")
  public Long samples;

  @JsonPropertyDescription("True when the embedding came from the shared cache and no embedding pass ran.")
  public Boolean reused;

  @Override
  public boolean equals(Object o) {
    return o instanceof PriorStatus p && Objects.equals(cacheKey, p.cacheKey)
        && Objects.equals(indexKey, p.indexKey)
        && Objects.equals(dimension, p.dimension) && Objects.equals(samples, p.samples)
        && Objects.equals(reused, p.reused);
  }

  @Override
  public int hashCode() {
    return Objects.hash(cacheKey, indexKey, dimension, samples, reused);
  }
}
