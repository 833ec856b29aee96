package io.rela.trainer.report;

import io.rela.api.contract.ProgressReport;
import io.rela.api.contract.TrainingPhase;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.text.TextUtils;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/** The run report's chart: training loss and online accuracy against epochs, drawn with JFreeChart. */
final class ReportChart {

  static final int WIDTH = 760;
  static final int HEIGHT = 440;
  private static final Color RELA = new Color(0xd62728);
  private static final Color BYOL = new Color(0x1f77b4);
  private static final Color ACCURACY = new Color(0x2ca02c);

  private ReportChart() {}

  static String svg(List<ProgressReport> epochs, ProgressReport summary) {
    System.setProperty("java.awt.headless", "true");
    // the workaround draws rotated labels (the y axes') as glyph outlines; SVG keeps them text
    TextUtils.setUseDrawRotatedStringWorkaround(false);
    XYSeries relaLoss = new XYSeries("loss, ReLA phase (left axis)");
    XYSeries byolLoss = new XYSeries("loss, BYOL phase (left axis)");
    XYSeries accuracy = new XYSeries("online classifier accuracy, % (right axis)");
    for (ProgressReport e : epochs) {
      if (e.epoch == null || e.loss == null) {
        continue;
      }
      (e.phase == TrainingPhase.ReLA ? relaLoss : byolLoss).add(e.epoch.doubleValue(), e.loss.doubleValue());
      if (e.onlineAccuracy != null) {
        accuracy.add(e.epoch.doubleValue(), 100 * e.onlineAccuracy);
      }
    }
    XYSeriesCollection losses = new XYSeriesCollection();
    losses.addSeries(relaLoss);
    losses.addSeries(byolLoss);

    NumberAxis epochAxis = new NumberAxis("epoch (end of)");
    epochAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    epochAxis.setAutoRangeIncludesZero(false);
    NumberAxis lossAxis = new NumberAxis("mean training loss per epoch");
    lossAxis.setAutoRangeIncludesZero(false);
    XYLineAndShapeRenderer lossRenderer = new XYLineAndShapeRenderer(true, true);
    lossRenderer.setSeriesPaint(0, RELA);
    lossRenderer.setSeriesPaint(1, BYOL);
    lossRenderer.setSeriesStroke(0, new BasicStroke(2f));
    lossRenderer.setSeriesStroke(1, new BasicStroke(2f));
    XYPlot plot = new XYPlot(losses, epochAxis, lossAxis, lossRenderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xdddddd));
    plot.setRangeGridlinePaint(new Color(0xdddddd));

    if (!accuracy.isEmpty()) {
      NumberAxis accuracyAxis = new NumberAxis("online accuracy (%)");
      accuracyAxis.setRange(0, 100);
      plot.setRangeAxis(1, accuracyAxis);
      plot.setDataset(1, new XYSeriesCollection(accuracy));
      plot.mapDatasetToRangeAxis(1, 1);
      XYLineAndShapeRenderer accuracyRenderer = new XYLineAndShapeRenderer(true, true);
      accuracyRenderer.setSeriesPaint(0, ACCURACY);
      accuracyRenderer.setSeriesStroke(0, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
          new float[] {6f, 3f}, 0f));
      plot.setRenderer(1, accuracyRenderer);
    }

    Integer sw = summary.switchedAtEpoch;
    if (sw != null && summary.switchedAtStep != null && summary.switchedAtStep > 0) {
      // switchedAtEpoch is the 0-based epoch the switch happened in: between the ends of epochs sw and sw + 1
      ValueMarker marker = new ValueMarker(sw + 0.5, RELA, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
          BasicStroke.JOIN_MITER, 10f, new float[] {6f, 3f}, 0f));
      marker.setLabel("ReLA → BYOL");
      marker.setLabelPaint(RELA);
      marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
      marker.setLabelTextAnchor(TextAnchor.TOP_LEFT);
      plot.addDomainMarker(marker);
    }

    JFreeChart chart = new JFreeChart(title(summary), new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    chart.addSubtitle(new TextTitle(subtitle(summary), new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
    SVGGraphics2D g2 = new SVGGraphics2D(WIDTH, HEIGHT);
    chart.draw(g2, new Rectangle(0, 0, WIDTH, HEIGHT));
    return g2.getSVGElement() + "\n";
  }

  private static String title(ProgressReport summary) {
    return String.format(Locale.ROOT, "ReLA run: linear probe %s, kNN %s", percent(summary.linearProbeAccuracy),
        percent(summary.knnAccuracy));
  }

  private static String subtitle(ProgressReport summary) {
    String baseline = summary.randomBaselineAccuracy == null ? "untrained backbone not evaluated"
        : "untrained backbone: probe " + percent(summary.randomBaselineAccuracy) + ", kNN "
            + percent(summary.randomBaselineKnnAccuracy);
    String sw = summary.switchedAtEpoch == null ? "no switch (ReLA throughout)"
        : Long.valueOf(0).equals(summary.switchedAtStep) ? "BYOL from the start" : "switch in epoch " + (summary.switchedAtEpoch + 1);
    return baseline + "; " + sw;
  }

  private static String percent(Double d) {
    return d == null ? "n/a" : String.format(Locale.ROOT, "%.2f %%", 100 * d);
  }
}
