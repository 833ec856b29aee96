package io.rela.trainer.progress;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rela.api.contract.ProgressReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Every epoch's closing report, read back from the JSON-lines progress log. */
public final class EpochHistory {

  private static final ObjectMapper JSON = new ObjectMapper();

  private EpochHistory() {}

  /**
   * The last closing report of each epoch, in epoch order (a resumed run's repeats are
   * replaced); lines that are not whole reports are skipped.
   */
  public static List<ProgressReport> read(Path progressLog) throws IOException {
    if (!Files.exists(progressLog)) {
      return List.of();
    }
    TreeMap<Integer, ProgressReport> byEpoch = new TreeMap<>();
    for (String line : Files.readAllLines(progressLog)) {
      if (line.isBlank()) {
        continue;
      }
      ProgressReport r;
      try {
        r = JSON.readValue(line, ProgressReport.class);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        // a line torn by a killed writer or a full disk: the line before it still tells the epoch
        continue;
      }
      if (Boolean.TRUE.equals(r.epochEnd) && r.epoch != null) {
        byEpoch.put(r.epoch, r);
      }
    }
    return new ArrayList<>(byEpoch.values());
  }
}
