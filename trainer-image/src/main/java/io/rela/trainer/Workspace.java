package io.rela.trainer;

import java.nio.file.Path;
import java.util.List;

/** Where a job keeps its files; the same layout on a laptop and on the workspace volume. */
public record Workspace(Path root, Path priorCache) {

  public static final String CHECKPOINTS = "checkpoints";
  public static final String PROGRESS_LOG = "progress.jsonl";
  public static final String REPORT = "report";
  public static final String EXPORT = "export";
  public static final String TRAIN_RESULT = "train-result.json";
  /** The MLflow run the job reports to, kept so a restarted pod continues it. */
  public static final String MLFLOW_RUN = "mlflow-run.json";
  /** Everything a run leaves in its workspace: set aside together when a fresh run takes the workspace over. */
  public static final List<String> RUN_FILES = List.of(CHECKPOINTS, EXPORT, REPORT, TRAIN_RESULT, PROGRESS_LOG, MLFLOW_RUN);

  public Path checkpoints() {
    return root.resolve(CHECKPOINTS);
  }

  public Path progressLog() {
    return root.resolve(PROGRESS_LOG);
  }

  public Path reportDir() {
    return root.resolve(REPORT);
  }

  /** The trained backbone exported for PyTorch (safetensors + preprocessing JSON). */
  public Path exportDir() {
    return root.resolve(EXPORT);
  }

  /** The training outcome the evaluation stage and the operator read. */
  public Path trainResult() {
    return root.resolve(TRAIN_RESULT);
  }
}
