package io.rela.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.rela.testinfra.Envtest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/** The committed CRD must be exactly what the Java types generate; `make crds` refreshes it. */
class CrdDriftTest {

  private static final String FILE = ReLATrainingJob.CRD_NAME + "-v1.yml";

  @Test
  void committedCrdMatchesGeneratedOne() throws Exception {
    Path generated = Paths.get("target/classes/META-INF/fabric8", FILE);
    assertThat(generated).exists();
    String expected = Files.readString(generated);
    Path committed = Envtest.repoRoot().resolve("crds").resolve(FILE);
    assertThat(committed).as("crds/%s is missing: run `make crds`", FILE).exists();
    assertThat(Files.readString(committed))
        .as("crds/%s is stale: run `make crds` and commit the result", FILE)
        .isEqualTo(expected);
    Path chart = Envtest.repoRoot().resolve("charts/rela-operator/crds").resolve(FILE);
    if (Files.exists(chart.getParent())) {
      assertThat(Files.readString(chart))
          .as("charts/rela-operator/crds/%s is stale: run `make crds` and commit the result", FILE)
          .isEqualTo(expected);
    }
  }
}
