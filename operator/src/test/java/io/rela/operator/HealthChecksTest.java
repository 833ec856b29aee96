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
import io.rela.testinfra.Kstatus;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * One table of what GitOps tools make of a ReLATrainingJob at each point of its life, checked
 * against both: kstatus (sigs.k8s.io/cli-utils, what Flux and `kubectl wait`-style tools use),
 * run as the real library on the object's JSON, and the documented Argo CD health check, run in
 * a Lua interpreter; plus the Argo CD resource actions (suspend, resume, retry).
 */
class HealthChecksTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A row: the object, then kstatus's verdict and message, then Argo CD's. */
  record Row(String what, ReLATrainingJob job, String kstatus, String kstatusMessage, String argo, String argoMessage) {}

  static List<Row> table() {
    ReLATrainingJob older = job(Stage.Succeeded, Conditions.Reason.SUCCEEDED, "done");
    older.getMetadata().setGeneration(3L);
    return List.of(
        new Row("waiting for a prior job", job(Stage.Pending, Conditions.Reason.PRIOR_JOB_NOT_READY, "prior job p is Training"),
            "InProgress", "prior job p is Training", "Progressing", "prior job p is Training"),
        new Row("embedding", job(Stage.Embedding, Conditions.Reason.EMBEDDING, "Embedding the dataset"),
            "InProgress", "Embedding the dataset", "Progressing", "Embedding the dataset"),
        new Row("training", job(Stage.Training, Conditions.Reason.TRAINING, "Training: Job x-train"),
            "InProgress", "Training: Job x-train", "Progressing", "Training epoch 3/10 (BYOL)"),
        new Row("evaluating", job(Stage.Evaluating, Conditions.Reason.EVALUATING, "Evaluating: Job x-eval"),
            "InProgress", "Evaluating: Job x-eval", "Progressing", "Evaluating: Job x-eval"),
        new Row("queued by Kueue", job(Stage.Suspended, Conditions.Reason.QUEUED, "x-train waits for Kueue"),
            "InProgress", "x-train waits for Kueue", "Progressing", "x-train waits for Kueue"),
        new Row("suspended by the user", job(Stage.Suspended, Conditions.Reason.SUSPENDED_BY_USER, "spec.suspend is true"),
            "InProgress", "The run has not finished.", "Suspended", "spec.suspend is true"),
        new Row("succeeded", job(Stage.Succeeded, Conditions.Reason.SUCCEEDED, "done"),
            "Current", "Resource is Ready", "Healthy", "Training finished and linear-probe accuracy 0.9000"),
        new Row("failed: OOM", job(Stage.Failed, Conditions.Reason.OOM_KILLED, "Pod x-train-1 was OOM-killed"),
            "Failed", "Pod x-train-1 was OOM-killed", "Degraded", "Pod x-train-1 was OOM-killed"),
        new Row("failed: no usable GPU", job(Stage.Failed, Conditions.Reason.GPU_UNAVAILABLE, "Job x-embed failed; exit code 4"),
            "Failed", "Job x-embed failed; exit code 4", "Degraded", "Job x-embed failed; exit code 4"),
        new Row("an edit not yet observed", older,
            "InProgress", "ReLATrainingJob generation is 3, but latest observed generation is 2", "Progressing",
            "Waiting for the operator to observe generation 3"));
  }

  @Test
  void kstatusAndArgoCdReadEveryPointOfARunAsTheTableSays() throws Exception {
    for (Row r : table()) {
      Kstatus.Result k = Kstatus.ofOne(JSON.writeValueAsString(r.job()));
      assertThat(k.status()).as("kstatus of %s", r.what()).isEqualTo(r.kstatus());
      assertThat(k.message()).as("kstatus message of %s", r.what()).isEqualTo(r.kstatusMessage());
      assertThat(health(r.job())).as("Argo CD health of %s", r.what()).containsExactly(r.argo(), r.argoMessage());
    }
  }

  @Test
  void aJobTheOperatorHasNotSeenYet() throws Exception {
    ReLATrainingJob fresh = new ReLATrainingJob();
    fresh.getMetadata().setName("x");
    fresh.getMetadata().setGeneration(1L);
    assertThat(health(fresh)).containsExactly("Progressing", "Waiting for the ReLA operator to pick the job up");
    // kstatus's rule for a resource without conditions: Current (the operator writes the first
    // status in its first reconciliation, within a second of the apply)
    assertThat(Kstatus.ofOne(JSON.writeValueAsString(fresh)).status()).isEqualTo("Current");
  }

  @Test
  void argoCdActionsOfferWhatTheStateAllowsAndEditTheSpec() throws Exception {
    ReLATrainingJob training = job(Stage.Training, Conditions.Reason.TRAINING, "t");
    training.getSpec().suspend = false;
    assertThat(enabled(training)).containsExactly("resume", false, "retry", false, "suspend", true);
    LuaValue suspended = action("suspend", training);
    assertThat(suspended.get("spec").get("suspend").toboolean()).isTrue();

    ReLATrainingJob paused = job(Stage.Suspended, Conditions.Reason.SUSPENDED_BY_USER, "s");
    paused.getSpec().suspend = true;
    assertThat(enabled(paused)).containsExactly("resume", true, "retry", false, "suspend", false);
    assertThat(action("resume", paused).get("spec").get("suspend").toboolean()).isFalse();

    ReLATrainingJob failed = job(Stage.Failed, Conditions.Reason.OOM_KILLED, "f");
    failed.getMetadata().setResourceVersion("812");
    assertThat(enabled(failed)).containsExactly("resume", false, "retry", true, "suspend", false);
    assertThat(action("retry", failed).get("metadata").get("annotations").get("rela.io/retry").tojstring()).isEqualTo("argocd-812");
    failed.getMetadata().setResourceVersion("813");
    assertThat(action("retry", failed).get("metadata").get("annotations").get("rela.io/retry").tojstring())
        .as("each retry a value not used before").isEqualTo("argocd-813");
  }

  private static String[] health(ReLATrainingJob job) throws Exception {
    LuaValue hs = run("docs/argocd/health.lua", job);
    return new String[] {hs.get("status").tojstring(), hs.get("message").tojstring()};
  }

  private static LuaValue run(String script, ReLATrainingJob job) throws Exception {
    Globals g = JsePlatform.standardGlobals();
    g.set("obj", toLua(JSON.valueToTree(job)));
    return g.load(Files.readString(Envtest.repoRoot().resolve(script))).call();
  }

  /** Each action the discovery script names, in name order, with whether it is enabled. */
  private static List<Object> enabled(ReLATrainingJob job) throws Exception {
    LuaValue actions = run("docs/argocd/actions/discovery.lua", job);
    List<Object> out = new java.util.ArrayList<>();
    for (String name : new java.util.TreeSet<>(List.of("suspend", "resume", "retry"))) {
      out.add(name);
      out.add(!actions.get(name).get("disabled").toboolean());
    }
    // the discovery script names exactly these three
    int n = 0;
    for (LuaValue k = actions.next(LuaValue.NIL).arg1(); !k.isnil(); k = actions.next(k).arg1()) {
      n++;
    }
    assertThat(n).isEqualTo(3);
    return out;
  }

  private static LuaValue action(String name, ReLATrainingJob job) throws Exception {
    return run("docs/argocd/actions/" + name + "/action.lua", job);
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
    j.setSpec(new io.rela.api.spec.ReLATrainingJobSpec());
    ProgressReport r = new ProgressReport();
    r.epoch = 3;
    r.totalEpochs = 10;
    r.phase = io.rela.api.contract.TrainingPhase.BYOL;
    r.linearProbeAccuracy = 0.9;
    ReLATrainingJobStatus s = StatusAggregator.aggregate(null, new Observation(2, stage, reason, message, r, null), "T");
    j.setStatus(s);
    return j;
  }
}
