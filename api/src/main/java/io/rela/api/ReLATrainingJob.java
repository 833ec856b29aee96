package io.rela.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;
import io.rela.api.spec.ReLATrainingJobSpec;
import io.rela.api.status.ReLATrainingJobStatus;

/**
 * A ReLA-accelerated self-supervised training run: prior embedding, ReLA + BYOL training on
 * a per-epoch data subset, and a linear-probe evaluation, declared as one resource.
 */
@Group(ReLATrainingJob.GROUP)
@Version(ReLATrainingJob.VERSION)
@Kind("ReLATrainingJob")
@Plural("relatrainingjobs")
@Singular("relatrainingjob")
@ShortNames({"relajob", "rj"})
@AdditionalPrinterColumn(name = "Stage", jsonPath = ".status.stage", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Progressing\")].reason",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.progress.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Epoch", jsonPath = ".status.progress.epochOfTotal", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Subset", jsonPath = ".status.progress.subsetRatio", type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(name = "Loss", jsonPath = ".status.progress.loss", type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(name = "Accuracy", jsonPath = ".status.results.linearProbeAccuracy", type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
// the operator names its Jobs <name>-embed/-train/-eval, and the Job controller puts a Job's
// name into a label of its pods, which holds at most 63 characters
@ValidationRule(value = "size(self.metadata.name) <= " + ReLATrainingJob.MAX_NAME_LENGTH,
    message = "metadata.name must be at most " + ReLATrainingJob.MAX_NAME_LENGTH + " characters: the operator names its"
        + " Jobs <name>-embed, <name>-train and <name>-eval, and a Job's name must fit a 63-character label")
public class ReLATrainingJob extends CustomResource<ReLATrainingJobSpec, ReLATrainingJobStatus>
    implements Namespaced {

  public static final String GROUP = "rela.io";
  public static final String VERSION = "v1alpha1";
  public static final String CRD_NAME = "relatrainingjobs." + GROUP;
  /** 63 (a label value) minus the longest Job suffix, "-embed". */
  public static final int MAX_NAME_LENGTH = 57;

  // an object the Java types cannot hold is read as a marked spec, never a failed watch
  @Override
  @com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = TolerantReader.Spec.class)
  public void setSpec(ReLATrainingJobSpec spec) {
    super.setSpec(spec);
  }

  @Override
  @com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = TolerantReader.Status.class)
  public void setStatus(ReLATrainingJobStatus status) {
    super.setStatus(status);
  }

  @Override
  protected ReLATrainingJobStatus initStatus() {
    return new ReLATrainingJobStatus();
  }
}
