package io.rela.trainer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.rela.api.contract.SchemaDefaults;
import io.rela.testinfra.KubeApiServer;
import io.rela.testinfra.KubeApiServerExtension;
import io.rela.testinfra.ProcessRunner;
import io.rela.testinfra.SpecCatalogue;
import io.rela.trainer.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer validates a local job file with the CRD's own schema and CEL rules: on the whole
 * bad-spec catalogue it gives the API server's verdict, naming the same field, and every CEL
 * rule of the CRD is among the refusals (a rule added later without a catalogue entry fails here).
 */
@ExtendWith(KubeApiServerExtension.class)
class CrdRulesAgreeWithTheApiServerTest {

  private static final String NS = "trainer-rules";

  @BeforeAll
  static void namespace(KubeApiServer api) {
    api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .createOr(r -> r.update());
  }

  @Test
  void everyRefusalOfTheApiServerIsTheTrainersWithTheSameField(KubeApiServer api, @TempDir Path dir) throws Exception {
    Set<String> rulesFired = new HashSet<>();
    List<String> disagreements = new ArrayList<>();
    for (SpecCatalogue.Refused r : SpecCatalogue.refused()) {
      String yaml = SpecCatalogue.job(r.name(), r.spec());
      ProcessRunner.Result server = api.applyYaml(NS, yaml);
      boolean serverNames = server.exitCode() != 0 && server.stderr().contains(r.field());
      Path file = dir.resolve(r.name() + ".yaml");
      Files.writeString(file, yaml);
      String trainer;
      try {
        JobFiles.readJob(file);
        trainer = null;
      } catch (BadInputException e) {
        trainer = e.getMessage();
      }
      boolean trainerNames = trainer != null && trainer.contains(r.field());
      if (!serverNames || !trainerNames) {
        disagreements.add(r.name() + ": server " + (server.exitCode() == 0 ? "accepted" : server.stderr().strip())
            + " / trainer " + (trainer == null ? "accepted" : trainer));
      }
      if (trainer != null) {
        for (String message : celRuleMessages()) {
          if (trainer.contains(message)) {
            rulesFired.add(message);
          }
        }
      }
    }
    assertThat(disagreements).as("catalogue entries where the trainer and the API server differ").isEmpty();
    assertThat(rulesFired).as("CEL rules of the CRD that some catalogue entry breaks")
        .containsExactlyInAnyOrderElementsOf(celRuleMessages());
  }

  @Test
  void whatTheApiServerAcceptsTheTrainerAccepts(KubeApiServer api, @TempDir Path dir) throws Exception {
    for (SpecCatalogue.Accepted a : SpecCatalogue.accepted()) {
      String yaml = SpecCatalogue.job(a.name(), a.spec());
      api.applyYaml(NS, yaml).assertSuccess();
      Path file = dir.resolve(a.name() + ".yaml");
      Files.writeString(file, yaml);
      assertThat(JobFiles.readJob(file).name()).isEqualTo(a.name());
    }
  }

  @Test
  void aRefusedFileStopsTheTrainerWithTheFileAndTheRuleNamed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("job.yaml");
    Files.writeString(file, SpecCatalogue.job("j", "rela:\n    schedule: Constant"));
    assertThatThrownBy(() -> JobFiles.readJob(file)).isInstanceOf(BadInputException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("spec.rela.constantFraction: Invalid value: \"object\": schedule Constant requires constantFraction");
  }

  /** The message of every CEL rule in the CRD, read from the CRD itself. */
  private static List<String> celRuleMessages() {
    List<String> out = new ArrayList<>();
    collect(SchemaDefaults.schema(), out);
    return out;
  }

  private static void collect(JsonNode schema, List<String> out) {
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      out.add(rule.path("message").asText());
    }
    for (String key : List.of("properties", "additionalProperties", "items")) {
      JsonNode child = schema.get(key);
      if (child == null) {
        continue;
      }
      if ("properties".equals(key)) {
        for (Iterator<Map.Entry<String, JsonNode>> it = child.fields(); it.hasNext(); ) {
          collect(it.next().getValue(), out);
        }
      } else if (child.isObject()) {
        collect(child, out);
      }
    }
  }
}
