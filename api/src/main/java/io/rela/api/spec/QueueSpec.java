package io.rela.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * Kueue queueing: everything a user sets for Kueue. The operator writes it as Kueue's labels on
 * every stage Job, creates the Jobs suspended and leaves starting them to Kueue.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class QueueSpec {

  /** A Kubernetes label value that names an object: Kueue reads both fields from labels. */
  static final String LABEL_NAME = "^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$";

  @Required
  @Pattern(LABEL_NAME)
  @Size(max = 63)
  @JsonPropertyDescription("Kueue LocalQueue of this namespace the stage Jobs wait in (label kueue.x-k8s.io/queue-name)."
      + " Kueue admits each stage Job when its ClusterQueue has quota for the stage's GPUs, CPU and memory.")
  public String name;

  @Pattern(LABEL_NAME)
  @Size(max = 63)
  @JsonPropertyDescription("Kueue WorkloadPriorityClass of the stage Jobs (label kueue.x-k8s.io/priority-class): a"
      + " higher one is admitted first and may preempt a lower one, which resumes from its last checkpoint when"
      + " admitted again. Unset: Kueue's default priority. The cluster's admins may limit which are allowed.")
  public String priorityClass;
}
