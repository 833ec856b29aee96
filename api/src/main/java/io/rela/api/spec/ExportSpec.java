package io.rela.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * Where the trained backbone goes besides the workspace claim: an OCI image laid out as KServe's
 * modelcars expect (the files under /models), pushed by the evaluation pod.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExportSpec {

  @Required
  @Pattern("^[a-zA-Z0-9][a-zA-Z0-9.:_/-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$")
  @Size(max = 512)
  @JsonPropertyDescription("Image to push the export to, <registry>/<repository>[:<tag>] (tag default: latest). The pushed"
      + " reference with its digest is status.results.modelImage.")
  public String image;

  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @Size(max = 253)
  @JsonPropertyDescription("kubernetes.io/dockerconfigjson Secret of this namespace with the registry's credentials. It is"
      + " mounted into the evaluation pod only, and only if its owners labelled it rela.io/trainer-access=credentials.")
  public String pushSecretName;

  @Default("false")
  @JsonPropertyDescription("Allow a registry without TLS (plain HTTP; its credentials then travel unencrypted) or with a"
      + " certificate the pod cannot verify.")
  public Boolean plainHttp;
}
