package io.rela.trainer.progress;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rela.api.contract.ProgressReport;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Appends epoch-end and stage reports, one JSON object per line, flushed at once. */
public final class JsonLinesSink implements ProgressSink {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final BufferedWriter out;
  private io.rela.api.contract.TrainerStage lastStage;

  public JsonLinesSink(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void report(ProgressReport r) {
    boolean stageChange = r.stage != null && r.stage != lastStage;
    lastStage = r.stage;
    if (!Boolean.TRUE.equals(r.epochEnd) && !stageChange && r.linearProbeAccuracy == null) {
      return;
    }
    try {
      out.write(JSON.writeValueAsString(r));
      out.newLine();
      out.flush();
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
