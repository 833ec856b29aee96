package io.rela.trainer.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rela.api.contract.ProgressReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The report folder of a run: every epoch as JSON, the summary, and an SVG chart. */
public final class ReportWriter {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReportWriter() {}

  /**
   * Wall time of one local run by stage (this process only: a resumed run counts its last
   * attempt). The embedding stage is near zero when the prior cache already held the targets.
   */
  public record StageSeconds(double embedding, double training, double evaluation, double total) {}

  public static void write(Path dir, List<ProgressReport> epochs, ProgressReport summary, StageSeconds seconds)
      throws IOException {
    write(dir, epochs, summary);
    Files.writeString(dir.resolve("timings.json"), JSON.writeValueAsString(seconds));
  }

  public static void write(Path dir, List<ProgressReport> epochs, ProgressReport summary) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("epochs.json"), JSON.writeValueAsString(epochs));
    Files.writeString(dir.resolve("summary.json"), JSON.writeValueAsString(summary));
    writeChart(dir.resolve("chart.svg"), epochs, summary);
  }

  /**
   * Mean loss per epoch (ReLA-phase and BYOL-phase epochs as two series: their losses are on
   * different scales), the online classifier's accuracy on a second axis, the switch marked.
   * A machine without any font cannot lay out text; the report then goes without its chart.
   */
  static void writeChart(Path file, List<ProgressReport> epochs, ProgressReport summary) throws IOException {
    String svg;
    try {
      svg = ReportChart.svg(epochs, summary);
    } catch (RuntimeException | Error e) {
      System.out.println("warning: no chart.svg in the report (" + e + ")");
      return;
    }
    Files.writeString(file, svg);
  }

  private static double nz(Double d) {
    return d == null ? 0 : d;
  }
}
