package io.rela.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Condition;
import io.rela.api.ReLATrainingJob;
import io.rela.api.contract.ProgressReport;
import io.rela.api.status.Stage;
import io.rela.operator.status.Conditions;
import io.rela.testinfra.Envtest;
import io.rela.testinfra.KubeApiServer;
import io.rela.testinfra.KubeApiServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One tenant's object cannot stop the operator for the others: objects stored under a CRD
 * without bounds (an older or hand-edited one), each with one value the Java model cannot hold,
 * become conditions on those jobs alone, while a job in another namespace runs to Succeeded,
 * also after an operator restart that meets them on its first list.
 */
@ExtendWith(KubeApiServerExtension.class)
class SharedClusterApiServerTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static OperatorHarness op;

  @BeforeAll
  static void startOperator(KubeApiServer api) {
    op = new OperatorHarness(api);
  }

  @AfterAll
  static void stopOperator() {
    op.close();
  }

  /** Each field the Java model reads as an int, or an enum, with a value it cannot hold. */
  private static final Map<String, String> HOSTILE = new LinkedHashMap<>();

  static {
    HOSTILE.put("backoff", "  backoffLimit: 2147483648\n");
    HOSTILE.put("pull-grace", "  imagePullGracePeriodSeconds: 9999999999\n");
    HOSTILE.put("ttl", "  ttlSecondsAfterFinished: 2147483648\n");
    HOSTILE.put("ckpt", "  training:\n    checkpointEveryEpochs: 4294967296\n");
    HOSTILE.put("max-samples", "  training:\n    maxSamples: 2147483648\n");
    HOSTILE.put("target-dim", "  rela:\n    targetDim: 2147483648\n");
    HOSTILE.put("eval-samples", "  evaluation:\n    maxSamples: 2147483648\n");
    HOSTILE.put("affinity", """
          affinity:
            nodeAffinity:
              preferredDuringSchedulingIgnoredDuringExecution:
              - weight: 2147483648
                preference:
                  matchExpressions:
                  - {key: gpu, operator: Exists}
        """);
    HOSTILE.put("gpus", "  resources:\n    gpus: 2147483648\n");
  }

  private static String job(String name, String extra) {
    return """
        apiVersion: rela.io/v1alpha1
        kind: ReLATrainingJob
        metadata:
          name: %s
        spec:
          dataset:
            format: FashionMNIST
            path: /data/fashion-mnist
        %s""".formatted(name, extra);
  }

  /** The project's CRD with every integer bound and enum removed, as an older CRD might be. */
  private static Path loosenedCrd(Path dir) throws Exception {
    JsonNode crd = YAML.readTree(Envtest.repoRoot().resolve("crds/relatrainingjobs.rela.io-v1.yml").toFile());
    strip(crd);
    Files.writeString(dir.resolve("loose.yml"), YAML.writeValueAsString(crd));
    return dir;
  }

  private static void strip(JsonNode n) {
    if (n instanceof ObjectNode o) {
      o.remove("maximum");
      o.remove("exclusiveMaximum");
      if ("string".equals(o.path("type").asText())) {
        o.remove("enum");
      }
      for (Iterator<JsonNode> it = o.elements(); it.hasNext(); ) {
        strip(it.next());
      }
    } else if (n != null && n.isArray()) {
      n.forEach(SharedClusterApiServerTest::strip);
    }
  }

  @Test
  void objectsTheModelCannotHoldAreRefusedOneByOneWhileOtherTenantsJobsRun(@TempDir Path tmp) throws Exception {
    String bad = op.namespace("tenant-hostile", Map.of());
    String good = op.namespace("tenant-good", Map.of());
    // the strict CRD refuses each of them with the field named
    String refused = op.api.applyYaml(bad, job("strict", HOSTILE.get("backoff"))).stderr();
    assertThat(refused).contains("spec.backoffLimit").contains("2147483647");

    Map<String, String> all = new LinkedHashMap<>(HOSTILE);
    all.put("format", "");
    try {
      op.api.installCrds(loosenedCrd(tmp));
      for (Map.Entry<String, String> e : HOSTILE.entrySet()) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
            .until(() -> op.api.applyYaml(bad, job("bad-" + e.getKey(), e.getValue())).exitCode() == 0);
      }
      // an enum value this version does not know
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> op.api.applyYaml(bad,
          job("bad-format", "").replace("format: FashionMNIST", "format: Parquet")).exitCode() == 0);
    } finally {
      op.api.installCrds(Envtest.repoRoot().resolve("crds"));
    }

    walkToSucceeded(good, "runs-anyway");

    for (String key : all.keySet()) {
      ReLATrainingJob j = op.awaitJob(bad, "bad-" + key, x -> x.getStatus() != null && x.getStatus().stage == Stage.Failed);
      Condition failed = j.getStatus().conditions.stream().filter(c -> Conditions.FAILED.equals(c.getType())).findFirst().orElseThrow();
      assertThat(failed.getReason()).as(key).isEqualTo(Conditions.Reason.INVALID_SPEC);
      assertThat(failed.getMessage()).as(key).startsWith("spec.").contains("cannot be read by this operator version");
      assertThat(op.client.batch().v1().jobs().inNamespace(bad).withName("bad-" + key + "-embed").get()).as(key).isNull();
    }
    ReLATrainingJob backoff = op.job(bad, "bad-backoff");
    assertThat(backoff.getStatus().conditions).anySatisfy(c -> assertThat(c.getMessage()).contains("spec.backoffLimit"));
    assertThat(op.job(bad, "bad-affinity").getStatus().conditions)
        .anySatisfy(c -> assertThat(c.getMessage()).contains("spec.affinity.nodeAffinity"));

    // a restarted operator meets the same objects on its first list and still serves the rest
    op.restart();
    walkToSucceeded(good, "after-restart");

    // an edit that makes the spec readable again takes the job up at once
    op.client.resources(ReLATrainingJob.class).inNamespace(bad).withName("bad-backoff")
        .edit(j -> {
          j.getSpec().backoffLimit = 2;
          return j;
        });
    op.awaitBatchJob(bad, "bad-backoff-embed");
  }

  private static void walkToSucceeded(String ns, String name) throws Exception {
    op.api.applyYaml(ns, job(name, "")).assertSuccess();
    op.throughEmbedding(ns, name);
    op.completeJob(ns, name + "-train");
    op.awaitBatchJob(ns, name + "-eval");
    ProgressReport done = new ProgressReport();
    done.stage = io.rela.api.contract.TrainerStage.Done;
    done.epoch = 100;
    done.totalEpochs = 100;
    done.linearProbeAccuracy = 0.81;
    done.checkpoint = "/workspace/checkpoints/checkpoint-epoch-000100.bin";
    op.writeProgress(ns, name, done);
    op.completeJob(ns, name + "-eval");
    op.awaitJob(ns, name, x -> x.getStatus() != null && x.getStatus().stage == Stage.Succeeded);
  }
}
