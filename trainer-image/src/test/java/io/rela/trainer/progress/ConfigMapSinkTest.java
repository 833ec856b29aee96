package io.rela.trainer.progress;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.rela.api.contract.ProgressReport;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Rate limiting of the one class; the real API server path is covered by the end-to-end test. */
@EnableKubernetesMockClient(crud = true)
class ConfigMapSinkTest {

  KubernetesClient client;

  @Test
  void writesAtMostOncePerIntervalButAlwaysAtEpochEnds() {
    client.configMaps().inNamespace("ns").resource(new ConfigMapBuilder().withNewMetadata().withName("j-progress").endMetadata().build()).create();
    AtomicLong now = new AtomicLong(0);
    ConfigMapSink sink = new ConfigMapSink(client, "ns", "j-progress", 3000, now::get);
    ProgressReport r = new ProgressReport();
    r.stage = "Training";
    for (int step = 0; step < 100; step++) {
      r.step = (long) step;
      now.addAndGet(100); // 10 s of steps
      sink.report(r.copy());
    }
    // first report (stage change) + one per 3 s
    assertThat(sink.writes()).isBetween(3, 5);
    ProgressReport end = r.copy();
    end.epochEnd = true;
    end.epoch = 1;
    int before = sink.writes();
    sink.report(end);
    assertThat(sink.writes()).isEqualTo(before + 1);
    String json = client.configMaps().inNamespace("ns").withName("j-progress").get().getData().get(ProgressReport.CONFIG_MAP_KEY);
    assertThat(json).contains("\"epoch\":1").contains("\"epochEnd\":true");
  }
}
