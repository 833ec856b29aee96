package io.rela.api.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** A reference to another ReLATrainingJob in the same namespace. */
public class JobReference {

  /** Name of the referenced job. */
  @Required
  @JsonPropertyDescription("Name of the ReLATrainingJob in the same namespace.")
  public String name;
}
