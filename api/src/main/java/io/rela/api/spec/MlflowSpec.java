package io.rela.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * An MLflow tracking server. Tracking never blocks or fails training: writes that fail are
 * retried in the background and the job's Tracking condition says so.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MlflowSpec {

  @Required
  @Pattern("^https?://[^\\s]+$")
  @Size(max = 2048)
  @JsonPropertyDescription("Base URL of the MLflow tracking server (http or https), as the trainer pods reach it.")
  public String trackingUri;

  @Required
  @Size(min = 1, max = 256)
  @JsonPropertyDescription("MLflow experiment of the run; created when missing.")
  public String experiment;

  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @Size(max = 253)
  @JsonPropertyDescription("Secret of this namespace whose key `token` is sent as the bearer token. It is mounted into the"
      + " training and evaluation pods only if its owners labelled it rela.io/trainer-access=credentials: creating a job"
      + " must not lend a Secret its author could not read.")
  public String tokenSecretName;
}
