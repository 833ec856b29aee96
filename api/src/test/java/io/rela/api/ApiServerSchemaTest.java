package io.rela.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.rela.api.status.ReLATrainingJobStatus;
import io.rela.api.status.Stage;
import io.rela.testinfra.Envtest;
import io.rela.testinfra.KubeApiServer;
import io.rela.testinfra.KubeApiServerExtension;
import io.rela.testinfra.ProcessRunner;
import io.rela.testinfra.SpecCatalogue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The CRD's schema, validation, printer columns and status subresource, on a real API server. */
@ExtendWith(KubeApiServerExtension.class)
class ApiServerSchemaTest {

  private static final String NS = "schema-test";

  @BeforeAll
  static void namespace(KubeApiServer api) {
    api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .createOr(r -> r.update());
  }

  static Stream<Path> examples() throws Exception {
    return Files.list(Envtest.repoRoot().resolve("examples")).filter(p -> p.toString().endsWith(".yaml")).sorted();
  }

  @ParameterizedTest
  @MethodSource("examples")
  void everyExampleAppliesWithKubectlAndReadsBack(Path example, KubeApiServer api) throws Exception {
    api.kubectl("apply", "-n", NS, "-f", example.toString()).assertSuccess();
    var loaded = api.client().resources(ReLATrainingJob.class).load(Files.newInputStream(example)).item();
    ReLATrainingJob stored = api.client().resources(ReLATrainingJob.class).inNamespace(NS)
        .withName(loaded.getMetadata().getName()).get();
    assertThat(stored).isNotNull();
    assertThat(stored.getSpec().dataset.path).isEqualTo(loaded.getSpec().dataset.path);
    assertThat(stored.getSpec().rela.dataRatio).isEqualTo(
        loaded.getSpec().rela == null ? 1.0 : loaded.getSpec().rela.dataRatio);
    // defaults come from the schema, not from code
    assertThat(stored.getSpec().training.learningRate).isEqualTo(0.001);
    assertThat(stored.getSpec().training.weightDecay).isEqualTo(0.01);
    assertThat(stored.getSpec().rela.rhoThreshold).isEqualTo(0.995);
    assertThat(stored.getSpec().prior.shards).isNotNull();
  }

  static Stream<Arguments> invalidJobs() {
    return SpecCatalogue.refused().stream().map(r -> Arguments.of(r.name(), r.spec(), r.field()));
  }

  private static String job(String name, String specPart) {
    return SpecCatalogue.job(name, specPart);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidJobs")
  void invalidJobsAreRefusedNamingTheField(String name, String specPart, String field, KubeApiServer api) throws Exception {
    ProcessRunner.Result r = api.applyYaml(NS, job(name, specPart));
    assertThat(r.exitCode()).as("kubectl apply of %s should fail", name).isNotZero();
    assertThat(r.stderr()).contains("is invalid").contains(field);
    assertThat(api.client().resources(ReLATrainingJob.class).inNamespace(NS).withName(name).get()).isNull();
    // one message per mistake: a refused field is named once, not by two overlapping rules
    assertThat(r.stderr().split(java.util.regex.Pattern.quote("* " + field + ":"), -1).length - 1)
        .as("messages naming %s: %s", field, r.stderr()).isLessThanOrEqualTo(1);
  }

  @Test
  void dataSourcesAndTheLongestNameAreAccepted(KubeApiServer api) throws Exception {
    String name = "a-name-of-fifty-seven-characters-fits-every-owned-job-xxx";
    assertThat(name).hasSize(ReLATrainingJob.MAX_NAME_LENGTH);
    String pvc = "dataset:\n    format: FashionMNIST\n    path: /data\n    volume:\n      name: data\n"
        + "      persistentVolumeClaim:\n        claimName: datasets\n        readOnly: true";
    String nfs = "dataset:\n    format: FashionMNIST\n    path: /data\n    volume:\n      name: data\n"
        + "      nfs:\n        server: nfs.example\n        path: /export/datasets";
    api.applyYaml(NS, job(name, pvc)).assertSuccess();
    api.applyYaml(NS, job("nfs-data", nfs)).assertSuccess();
  }

  @Test
  void datasetIsRequired(KubeApiServer api) {
    ReLATrainingJob job = new ReLATrainingJob();
    job.getMetadata().setName("no-dataset");
    job.setSpec(new io.rela.api.spec.ReLATrainingJobSpec());
    try {
      api.client().resources(ReLATrainingJob.class).inNamespace(NS).resource(job).create();
      throw new AssertionError("a job without dataset was accepted");
    } catch (KubernetesClientException e) {
      assertThat(e.getCode()).isEqualTo(422);
      assertThat(e.getMessage()).contains("spec.dataset");
    }
  }

  @Test
  void kubectlPrintsPrinterColumnsAndExplainsFields(KubeApiServer api) throws Exception {
    api.kubectl("apply", "-n", NS, "-f", Envtest.repoRoot().resolve("examples/fashion-mnist-quick.yaml").toString()).assertSuccess();
    String table = api.kubectl("get", "relajob", "-n", NS).assertSuccess().stdout();
    String header = table.lines().findFirst().orElseThrow();
    assertThat(header.split("\\s+")).containsSubsequence("NAME", "STAGE", "REASON", "PHASE", "EPOCH", "SUBSET", "LOSS", "ACCURACY", "AGE");
    assertThat(table).contains("fashion-mnist-quick");
    assertThat(api.kubectl("get", "rj", "-n", NS).assertSuccess().stdout()).contains("fashion-mnist-quick");

    String explain = api.kubectl("explain", "relajob.spec.rela.dataRatio").assertSuccess().stdout();
    assertThat(explain).contains("dataRatio").contains("Fraction r of the dataset drawn at random");
  }

  @Test
  void statusWritesDoNotBumpGeneration(KubeApiServer api) throws Exception {
    api.kubectl("apply", "-n", NS, "-f", Envtest.repoRoot().resolve("examples/fashion-mnist-quick.yaml").toString()).assertSuccess();
    var jobs = api.client().resources(ReLATrainingJob.class).inNamespace(NS);
    ReLATrainingJob before = jobs.withName("fashion-mnist-quick").get();
    ReLATrainingJobStatus status = new ReLATrainingJobStatus();
    status.stage = Stage.Training;
    status.observedGeneration = before.getMetadata().getGeneration();
    before.setStatus(status);
    ReLATrainingJob after = jobs.resource(before).updateStatus();
    assertThat(after.getMetadata().getGeneration()).isEqualTo(before.getMetadata().getGeneration());
    assertThat(after.getStatus().stage).isEqualTo(Stage.Training);

    // a status sent through the main resource is ignored by the server
    ReLATrainingJob viaMain = jobs.withName("fashion-mnist-quick").get();
    viaMain.getStatus().stage = Stage.Failed;
    viaMain.getSpec().training.epochs = 7;
    ReLATrainingJob updated = jobs.resource(viaMain).update();
    assertThat(updated.getStatus().stage).isEqualTo(Stage.Training);
    assertThat(updated.getMetadata().getGeneration()).isEqualTo(before.getMetadata().getGeneration() + 1);
  }

  @Test
  void theResourceIsServedUnderItsNames(KubeApiServer api) {
    List<String> out = api.kubectl("api-resources", "--api-group=rela.io", "-o", "wide").assertSuccess().stdout().lines().toList();
    assertThat(String.join("\n", out)).contains("relatrainingjobs").contains("relajob,rj").contains("true").contains("ReLATrainingJob");
  }

  @Test
  void genericReadKeepsUnknownFreeFormDataOut(KubeApiServer api) throws Exception {
    // unknown fields are pruned by the structural schema: nothing silently stored
    String yaml = """
        apiVersion: rela.io/v1alpha1
        kind: ReLATrainingJob
        metadata:
          name: pruned
        spec:
          dataset:
            format: CIFAR10
            path: /data
          typoField: 1
        """;
    ProcessRunner.Result r = api.applyYaml(NS, yaml);
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr()).contains("typoField");
    GenericKubernetesResource g = api.client().genericKubernetesResources("rela.io/v1alpha1", "ReLATrainingJob")
        .inNamespace(NS).withName("pruned").get();
    assertThat(g).isNull();
  }
}
