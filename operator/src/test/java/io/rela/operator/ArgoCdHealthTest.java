package io.rela.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rela.api.ReLATrainingJob;
import io.rela.api.contract.ProgressReport;
import io.rela.api.status.ReLATrainingJobStatus;
import io.rela.api.status.Stage;
import io.rela.operator.status.Conditions;
import io.rela.operator.status.Observation;
import io.rela.operator.status.StatusAggregator;
import io.rela.testinfra.Envtest;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/** The documented Argo CD health check, run in a Lua interpreter on statuses the operator writes. */
class ArgoCdHealthTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static String[] health(ReLATrainingJob job) throws Exception {
    Globals g = JsePlatform.standardGlobals();
    g.set("obj", toLua(JSON.valueToTree(job)));
    LuaValue hs = g.load(Files.readString(Envtest.repoRoot().resolve("docs/argocd/health.lua"))).call();
    return new String[] {hs.get("status").tojstring(), hs.get("message").tojstring()};
  }

  private static LuaValue toLua(JsonNode n) {
    if (n == null || n.isNull()) {
      return LuaValue.NIL;
    }
    if (n.isObject()) {
      LuaTable t = new LuaTable();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        var e = it.next();
        t.set(e.getKey(), toLua(e.getValue()));
      }
      return t;
    }
    if (n.isArray()) {
      LuaTable t = new LuaTable();
      for (int i = 0; i < n.size(); i++) {
        t.set(i + 1, toLua(n.get(i)));
      }
      return t;
    }
    if (n.isNumber()) {
      return LuaValue.valueOf(n.asDouble());
    }
    if (n.isBoolean()) {
      return LuaValue.valueOf(n.asBoolean());
    }
    return LuaValue.valueOf(n.asText());
  }

  private static ReLATrainingJob job(Stage stage, String reason, String message) {
    ReLATrainingJob j = new ReLATrainingJob();
    j.getMetadata().setName("x");
    j.getMetadata().setGeneration(2L);
    ProgressReport r = new ProgressReport();
    r.epoch = 3;
    r.totalEpochs = 10;
    r.phase = io.rela.api.contract.TrainingPhase.BYOL;
    r.linearProbeAccuracy = 0.9;
    ReLATrainingJobStatus s = StatusAggregator.aggregate(null, new Observation(2, stage, reason, message, r, null), "T");
    j.setStatus(s);
    return j;
  }

  @Test
  void mapsEveryStage() throws Exception {
    assertThat(health(new ReLATrainingJob())).containsExactly("Progressing", "Waiting for the ReLA operator to pick the job up");
    assertThat(health(job(Stage.Training, Conditions.Reason.TRAINING, "t"))).containsExactly("Progressing", "Training epoch 3/10 (BYOL)");
    assertThat(health(job(Stage.Embedding, Conditions.Reason.EMBEDDING, "Embedding the dataset")))
        .containsExactly("Progressing", "Embedding the dataset");
    assertThat(health(job(Stage.Succeeded, Conditions.Reason.SUCCEEDED, "done"))[0]).isEqualTo("Healthy");
    assertThat(health(job(Stage.Succeeded, Conditions.Reason.SUCCEEDED, "done"))[1]).contains("linear-probe accuracy 0.9000");
    assertThat(health(job(Stage.Failed, Conditions.Reason.OOM_KILLED, "Job x-train failed; see kubectl logs")))
        .containsExactly("Degraded", "Job x-train failed; see kubectl logs");
    assertThat(health(job(Stage.Suspended, Conditions.Reason.QUEUED, "waits for Kueue")))
        .containsExactly("Suspended", "waits for Kueue");
  }

  @Test
  void aStatusOfAnOlderGenerationIsStillProgressing() throws Exception {
    ReLATrainingJob j = job(Stage.Succeeded, Conditions.Reason.SUCCEEDED, "done");
    j.getMetadata().setGeneration(3L);
    assertThat(health(j)[0]).isEqualTo("Progressing");
  }
}
