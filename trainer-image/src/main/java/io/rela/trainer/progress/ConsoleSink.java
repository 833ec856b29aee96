package io.rela.trainer.progress;

import io.rela.api.contract.ProgressReport;
import java.io.PrintStream;

/** A progress line a person can read: epoch x/N, bar, phase, subset ratio, loss, samples/s, ETA. */
public final class ConsoleSink implements ProgressSink {

  private static final long INTERVAL_MS = 5_000;
  private final PrintStream out;
  private long lastPrint;

  public ConsoleSink(PrintStream out) {
    this.out = out;
  }

  @Override
  public void report(ProgressReport r) {
    long now = System.currentTimeMillis();
    boolean epochEnd = Boolean.TRUE.equals(r.epochEnd);
    if (!epochEnd && now - lastPrint < INTERVAL_MS) {
      return;
    }
    lastPrint = now;
    out.println(format(r));
  }

  static String format(ProgressReport r) {
    String skipped = r.skippedImages != null && r.skippedImages > 0 ? " skipped-images=" + r.skippedImages : "";
    if (r.stage != io.rela.api.contract.TrainerStage.Training) {
      return "[" + r.stage + "]" + skipped;
    }
    int epoch = r.epoch == null ? 0 : r.epoch;
    int total = r.totalEpochs == null ? 0 : r.totalEpochs;
    int width = 20;
    int filled = total == 0 ? 0 : (int) Math.round(width * (double) epoch / total);
    String bar = "#".repeat(filled) + "-".repeat(width - filled);
    return String.format("epoch %d/%d [%s] %-4s r=%.2f loss=%.4f%s %6.1f img/s ETA %s%s",
        epoch, total, bar, r.phase, nz(r.subsetRatio), nz(r.loss), r.rho == null ? "" : String.format(" rho=%.4f", r.rho),
        nz(r.samplesPerSecond),
        eta(r.etaSeconds), Boolean.TRUE.equals(r.epochEnd) && r.onlineAccuracy != null
            ? String.format(" online-acc=%.3f", r.onlineAccuracy) : "") + skipped;
  }

  private static double nz(Double d) {
    return d == null ? 0 : d;
  }

  private static String eta(Long s) {
    if (s == null) {
      return "?";
    }
    return String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }
}
