package io.rela.trainer.progress;

import io.rela.api.contract.ProgressReport;
import io.rela.api.contract.TrainerStage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Every optimiser step of the training stage as one CSV row (step, epoch, phase, loss, rho):
 * the loss curve at full resolution, from which a switch rule can be replayed offline. Epoch-end
 * reports carry the epoch's mean loss and are left out.
 */
public final class StepTraceSink implements ProgressSink {

  private final BufferedWriter out;

  public StepTraceSink(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
      out.write("step,epoch,phase,loss,rho");
      out.newLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void report(ProgressReport r) {
    if (r.stage != TrainerStage.Training || Boolean.TRUE.equals(r.epochEnd) || r.step == null || r.loss == null) {
      return;
    }
    try {
      // the report's step counts steps done; the row names the step itself, 0-based
      out.write(String.format(Locale.ROOT, "%d,%d,%s,%.6g,%s", r.step - 1, r.epoch, r.phase, r.loss,
          r.rho == null ? "" : String.format(Locale.ROOT, "%.6g", r.rho)));
      out.newLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException ignored) {
      // nothing left to save
    }
  }
}
