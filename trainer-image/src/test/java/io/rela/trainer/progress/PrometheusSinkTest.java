package io.rela.trainer.progress;

import static org.assertj.core.api.Assertions.assertThat;

import io.rela.api.contract.ProgressReport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class PrometheusSinkTest {

  @Test
  void servesTheRunsGaugesAndCounters() throws Exception {
    try (PrometheusSink sink = new PrometheusSink("demo", 0)) {
      ProgressReport r = new ProgressReport();
      r.epoch = 3;
      r.totalEpochs = 10;
      r.phase = io.rela.api.contract.TrainingPhase.BYOL;
      r.subsetRatio = 0.5;
      r.samplesSeen = 1280L;
      r.loss = -0.75;
      sink.report(r);
      r.samplesSeen = 1920L;
      sink.report(r);
      String body = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sink.port() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(body).contains("rela_epoch{relajob=\"demo\"} 3.0")
          .contains("rela_subset_ratio{relajob=\"demo\"} 0.5")
          .contains("rela_phase{phase=\"BYOL\",relajob=\"demo\"} 1.0")
          .contains("rela_phase{phase=\"ReLA\",relajob=\"demo\"} 0.0")
          .contains("rela_samples_total{relajob=\"demo\"} 1920.0")
          .contains("rela_loss{relajob=\"demo\"} -0.75");
    }
  }
}
