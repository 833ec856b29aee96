package io.rela.trainer.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.rela.api.contract.ProgressReport;
import io.rela.api.contract.TrainingPhase;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

class ReportChartTest {

  private static ProgressReport epoch(int n, TrainingPhase phase, double loss, double accuracy) {
    ProgressReport r = new ProgressReport();
    r.epoch = n;
    r.phase = phase;
    r.loss = loss;
    r.onlineAccuracy = accuracy;
    return r;
  }

  private static List<String> texts(String svg) throws Exception {
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    NodeList nodes = doc.getElementsByTagName("text");
    List<String> out = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      out.add(nodes.item(i).getTextContent().trim());
    }
    return out;
  }

  @Test
  void aSwitchedRunHasAxesWithTicksAndUnitsTheSwitchAndTheResults() throws Exception {
    ProgressReport summary = new ProgressReport();
    summary.linearProbeAccuracy = 0.8123;
    summary.knnAccuracy = 0.8012;
    summary.randomBaselineAccuracy = 0.7707;
    summary.randomBaselineKnnAccuracy = 0.7869;
    summary.switchedAtEpoch = 2;
    summary.switchedAtStep = 280L;
    List<ProgressReport> epochs = List.of(epoch(1, TrainingPhase.ReLA, 1.9, 0.4), epoch(2, TrainingPhase.ReLA, 1.2, 0.55),
        epoch(3, TrainingPhase.BYOL, 0.35, 0.6), epoch(4, TrainingPhase.BYOL, 0.3, 0.66));

    String svg = ReportChart.svg(epochs, summary);

    assertThat(svg).startsWith("<svg");
    List<String> texts = texts(svg); // well-formed XML, or this throws
    assertThat(texts).contains("epoch (end of)", "mean training loss per epoch", "online accuracy (%)",
        "ReLA → BYOL", "ReLA run: linear probe 81.23 %, kNN 80.12 %");
    // integer epoch ticks along the x axis, numbered ticks on both y axes
    assertThat(texts).contains("1", "2", "3", "4", "0", "100");
    assertThat(texts).anyMatch(t -> t.startsWith("untrained backbone: probe 77.07 %") && t.endsWith("switch in epoch 3"));
    assertThat(texts).contains("loss, ReLA phase (left axis)", "loss, BYOL phase (left axis)");
  }

  @Test
  void aRunThatNeverSwitchedHasNoSwitchMarker() throws Exception {
    ProgressReport summary = new ProgressReport();
    summary.linearProbeAccuracy = 0.5;
    List<ProgressReport> epochs = List.of(epoch(1, TrainingPhase.ReLA, 1.9, 0.4), epoch(2, TrainingPhase.ReLA, 1.5, 0.5));

    List<String> texts = texts(ReportChart.svg(epochs, summary));

    assertThat(texts).doesNotContain("ReLA → BYOL");
    assertThat(texts).anyMatch(t -> t.endsWith("no switch (ReLA throughout)"));
  }
}
