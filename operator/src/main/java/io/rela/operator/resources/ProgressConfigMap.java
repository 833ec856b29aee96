package io.rela.operator.resources;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.rela.api.ReLATrainingJob;
import io.rela.api.contract.ProgressReport;
import java.util.Map;
import java.util.Optional;

/**
 * Where the trainer reports progress (JSON under {@link ProgressReport#CONFIG_MAP_KEY}). The
 * operator creates it empty so the trainer's Role can name it; the operator only reads it after.
 */
public final class ProgressConfigMap {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ProgressConfigMap() {}

  public static String name(ReLATrainingJob job) {
    return job.getMetadata().getName() + "-progress";
  }

  public static ConfigMap desired(ReLATrainingJob job) {
    return new ConfigMapBuilder()
        .withMetadata(Labels.metadata(job, name(job), Map.of(Labels.STAGE, "progress")))
        .build();
  }

  /** The report in a progress ConfigMap, if it holds a readable one. */
  public static Optional<ProgressReport> read(ConfigMap cm) {
    if (cm == null || cm.getData() == null || !cm.getData().containsKey(ProgressReport.CONFIG_MAP_KEY)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(cm.getData().get(ProgressReport.CONFIG_MAP_KEY), ProgressReport.class));
    } catch (Exception e) {
      return Optional.empty();
    }
  }
}
