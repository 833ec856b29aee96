package io.rela.trainer.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rela.api.contract.ProgressReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

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
    Files.writeString(dir.resolve("chart.svg"), svg(epochs, summary));
  }

  /** Loss and online accuracy per epoch, the ReLA -> BYOL switch marked. */
  static String svg(List<ProgressReport> epochs, ProgressReport summary) {
    int w = 720;
    int h = 420;
    int left = 60;
    int right = 60;
    int top = 50;
    int bottom = 50;
    int pw = w - left - right;
    int ph = h - top - bottom;
    int n = epochs.size();
    double maxLoss = epochs.stream().mapToDouble(e -> e.loss == null ? 0 : e.loss).max().orElse(1);
    double minLoss = epochs.stream().mapToDouble(e -> e.loss == null ? 0 : e.loss).min().orElse(0);
    if (maxLoss - minLoss < 1e-9) {
      maxLoss = minLoss + 1;
    }
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", w, h));
    sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", w, h));
    String title = String.format(Locale.ROOT, "ReLA run: linear probe %.2f%%, kNN %.2f%% (untrained backbone %s)",
        100 * nz(summary.linearProbeAccuracy), 100 * nz(summary.knnAccuracy),
        summary.randomBaselineAccuracy == null ? "n/a" : String.format(Locale.ROOT, "%.2f%% / %.2f%%",
            100 * summary.randomBaselineAccuracy, 100 * nz(summary.randomBaselineKnnAccuracy)));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"15\">%s</text>%n", left, title));
    sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n", left, top, pw, ph));
    StringBuilder loss = new StringBuilder();
    StringBuilder acc = new StringBuilder();
    for (int i = 0; i < n; i++) {
      ProgressReport e = epochs.get(i);
      double x = left + (n == 1 ? pw / 2.0 : pw * i / (double) (n - 1));
      double yl = top + ph * (1 - (nz(e.loss) - minLoss) / (maxLoss - minLoss));
      loss.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, yl));
      if (e.onlineAccuracy != null) {
        acc.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, top + ph * (1 - e.onlineAccuracy)));
      }
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n", x, top + ph + 16, e.epoch));
      if (e.phase != null) {
        sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n", x, yl,
            e.phase == io.rela.api.contract.TrainingPhase.ReLA ? "#d62728" : "#1f77b4"));
      }
    }
    sb.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\"/>%n", loss));
    if (acc.length() > 0) {
      sb.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"#2ca02c\" stroke-width=\"2\" stroke-dasharray=\"4 2\"/>%n", acc));
    }
    Integer sw = summary.switchedAtEpoch;
    if (sw != null && sw > 0 && n > 1) {
      double x = left + pw * (sw - 0.5) / (double) (n - 1);
      x = Math.max(left, Math.min(left + pw, x));
      sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d62728\" stroke-dasharray=\"6 3\"/>%n", x, top, x, top + ph));
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#d62728\">ReLA → BYOL</text>%n", x + 4, top + 14));
    }
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">epoch</text>%n", left + pw / 2, h - 12));
    sb.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" fill=\"#1f77b4\">loss %.3f</text>%n", top + 10, maxLoss));
    sb.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" fill=\"#1f77b4\">%.3f</text>%n", top + ph, minLoss));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#2ca02c\">online acc 1.0</text>%n", left + pw - 80, top - 6));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#2ca02c\">0</text>%n", left + pw + 6, top + ph));
    sb.append("</svg>\n");
    return sb.toString();
  }

  private static double nz(Double d) {
    return d == null ? 0 : d;
  }
}
