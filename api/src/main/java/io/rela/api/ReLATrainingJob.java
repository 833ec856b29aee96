package io.rela.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
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
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.progress.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Epoch", jsonPath = ".status.progress.epochOfTotal", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Subset", jsonPath = ".status.progress.subsetRatio", type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(name = "Loss", jsonPath = ".status.progress.loss", type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(name = "Accuracy", jsonPath = ".status.results.linearProbeAccuracy", type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class ReLATrainingJob extends CustomResource<ReLATrainingJobSpec, ReLATrainingJobStatus>
    implements Namespaced {

  public static final String GROUP = "rela.io";
  public static final String VERSION = "v1alpha1";
  public static final String CRD_NAME = "relatrainingjobs." + GROUP;

  @Override
  protected ReLATrainingJobStatus initStatus() {
    return new ReLATrainingJobStatus();
  }
}
