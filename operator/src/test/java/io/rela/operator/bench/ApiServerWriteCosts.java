package io.rela.operator.bench;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.rela.api.ReLATrainingJob;
import io.rela.api.status.ReLATrainingJobStatus;
import io.rela.operator.resources.OperatorSettings;
import io.rela.operator.resources.StageJob;
import io.rela.operator.resources.TrainerConfigMap;
import io.rela.testinfra.KubeApiServer;
import io.rela.testinfra.KubeApiServerExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Not a test (surefire does not pick it up): part of `make bench-operator`. What each kind of
 * write of a job's first reconciliation costs the API server, 1,000 of each from 16 client
 * threads with no operator running: wall time and the API server's CPU seconds (from /proc). It
 * shows where the operator's time to first Job goes next to the raw creates of the same jobs.
 */
@ExtendWith(KubeApiServerExtension.class)
class ApiServerWriteCosts {

  @Test
  void eachWriteOfAFirstReconciliation(KubeApiServer api) throws Exception {
    int n = Integer.getInteger("bench.jobs", 1000);
    String ns = "probe";
    api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    long apiPid = ProcessHandle.allProcesses().filter(h -> h.info().command().orElse("").endsWith("/kube-apiserver")).findFirst().orElseThrow().pid();
    List<ReLATrainingJob> jobs = new ArrayList<>();
    phase("create ReLATrainingJob", apiPid, n, i -> {
      ReLATrainingJob j = api.client().resources(ReLATrainingJob.class).inNamespace(ns).resource(OperatorScaleBenchmark.largest(i)).create();
      synchronized (jobs) {
        jobs.add(j);
      }
      return j;
    });
    phase("status SSA patch", apiPid, n, i -> {
      ReLATrainingJob j = jobs.get(i);
      ReLATrainingJob p = new ReLATrainingJob();
      p.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(j.getMetadata().getName()).withNamespace(ns).build());
      p.setStatus(status("Embedding"));
      return api.client().resource(p).subresource("status")
          .patch(new PatchContext.Builder().withPatchType(PatchType.SERVER_SIDE_APPLY).withFieldManager("probe").withForce(true).build());
    });
    phase("status merge patch", apiPid, n, i -> {
      ReLATrainingJob j = jobs.get(i);
      ReLATrainingJob p = new ReLATrainingJob();
      p.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(j.getMetadata().getName()).withNamespace(ns).build());
      p.setStatus(status("Training"));
      return api.client().resource(p).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE));
    });
    phase("create stage Job", apiPid, n, i -> api.client().resource(StageJob.desired(jobs.get(i), StageJob.Kind.EMBED, OperatorSettings.defaults(), null)).create());
    phase("create config ConfigMap", apiPid, n, i -> api.client().resource(TrainerConfigMap.desired(jobs.get(i),
        TrainerConfigMap.render(jobs.get(i), null, null, 9090), TrainerConfigMap.specHash(jobs.get(i).getSpec()))).create());
    phase("create ServiceAccount", apiPid, n, i -> api.client().resource(io.rela.operator.resources.TrainerServiceAccount.desired(jobs.get(i))).create());
    phase("create Role", apiPid, n, i -> api.client().resource(io.rela.operator.resources.ProgressRole.desired(jobs.get(i))).create());
    phase("create RoleBinding", apiPid, n, i -> api.client().resource(io.rela.operator.resources.ProgressRoleBinding.desired(jobs.get(i))).create());
    phase("create progress ConfigMap", apiPid, n, i -> api.client().resource(io.rela.operator.resources.ProgressConfigMap.desired(jobs.get(i))).create());
  }

  private static ReLATrainingJobStatus status(String stage) {
    ReLATrainingJobStatus s = new ReLATrainingJobStatus();
    s.stage = io.rela.api.status.Stage.valueOf(stage);
    s.observedGeneration = 1L;
    s.conditions = new ArrayList<>();
    for (String t : List.of("Ready", "Progressing", "Failed", "Suspended", "Reconciling", "Stalled")) {
      s.conditions.add(new io.fabric8.kubernetes.api.model.ConditionBuilder().withType(t).withStatus("False").withReason("R" + stage)
          .withMessage("Embedding the dataset with the prior (1 pod(s)). " + stage).withLastTransitionTime("2026-12-03T08:00:00Z")
          .withObservedGeneration(1L).build());
    }
    return s;
  }

  private static void phase(String what, long apiPid, int n, IntFunction<HasMetadata> write) throws Exception {
    long c0 = Writes.cpuTicks(apiPid);
    Writes.Result r = Writes.fanOut(what, n, write::apply);
    System.out.printf("write %-28s %6.1f s wall, API server %6.1f CPU-s, %d failed%n", what, r.seconds(),
        (Writes.cpuTicks(apiPid) - c0) / 100.0, r.failed());
  }
}
