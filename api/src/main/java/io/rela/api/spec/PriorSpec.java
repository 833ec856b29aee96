package io.rela.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** The free, already trained model that turns every sample into a target. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// has() guards: the API server also checks the rules against the schema default {}
@ValidationRule(value = "!has(self.jobRef) || (has(self.type) && self.type == 'Job')",
    message = "jobRef is only allowed with type Job", fieldPath = ".jobRef")
@ValidationRule(value = "!has(self.type) || self.type != 'Job' || has(self.jobRef)",
    message = "type Job requires jobRef (the ReLATrainingJob whose backbone is the prior)", fieldPath = ".jobRef")
@ValidationRule(value = "!has(self.type) || !(self.type in ['TorchScript', 'ONNX']) || has(self.uri)",
    message = "uri is required for a TorchScript or ONNX prior", fieldPath = ".uri")
// several embedding pods, on any nodes, write at once: into the shared cache claim, never the
// job's ReadWriteOnce workspace
@ValidationRule(value = "!has(self.shards) || self.shards <= 1 || has(self.cacheClaimName)",
    message = "shards > 1 requires cacheClaimName: a ReadWriteMany claim every embedding pod can write", fieldPath = ".cacheClaimName")
public class PriorSpec {

  /** Kind of prior. */
  @Default("Random")
  @JsonPropertyDescription("Random (the student's own freshly initialised backbone, frozen; see randomInit), Job (the backbone trained by another ReLATrainingJob), TorchScript or ONNX (a file whose forward(images) returns embeddings).")
  public PriorType type;

  /** Which random network a Random prior is. */
  @Default("Student")
  @JsonPropertyDescription("For type Random: Student (the reference's rand prior: a frozen copy of the student's own initial backbone, same seed) or Independent (the same architecture initialised with a different seed).")
  public RandomPriorInit randomInit;

  /** Location of a TorchScript or ONNX prior. */
  @io.fabric8.generator.annotation.Pattern("\\S")
  @JsonPropertyDescription("Path (inside the pod or on the local machine) of the TorchScript or ONNX file.")
  public String uri;

  /** Digest the prior file must have. */
  @io.fabric8.generator.annotation.Pattern("^[a-f0-9]{64}$")
  @JsonPropertyDescription("SHA-256 (64 lowercase hex digits) the TorchScript or ONNX file must have: the trainer refuses"
      + " (exit 2) a file with another digest. A TorchScript file is a program; a cluster's admission policy may allow"
      + " only listed digests.")
  public String sha256;

  /** Job whose backbone is the prior. */
  @JsonPropertyDescription("The ReLATrainingJob in the same namespace whose trained backbone is the prior.")
  public JobReference jobRef;

  /** Prior input size. */
  @Min(8)
  @Max(1024)
  @JsonPropertyDescription("Side in pixels of the prior's input (shorter side resized, then centre-cropped). Defaults to the dataset's imageSize.")
  public Integer inputSize;

  /** Shared embedding cache. */
  @JsonPropertyDescription("Existing PersistentVolumeClaim shared between jobs, holding prior embeddings keyed by dataset, prior and input size, so each combination is embedded once.")
  public String cacheClaimName;

  /** Parallel embedding pods. */
  @Default("1")
  @Min(1)
  @Max(256)
  @JsonPropertyDescription("Pods the embedding pass is spread over: an Indexed Job whose pod i embeds slice i of shards, with"
      + " one GPU (when the job has any) and 1/shards of spec.resources' CPU and memory each, writing into cacheClaimName.")
  public Integer shards;
}
