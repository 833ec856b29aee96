package io.rela.trainer.tracking;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rela.trainer.AtomicFiles;
import io.rela.trainer.Workspace;
import io.rela.trainer.checkpoint.RunIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The MLflow run a workspace reports to, kept beside its checkpoints so that a resumed or
 * retried pod, and the evaluation pod after the training pod, continue the same run. It is used
 * only by the run that wrote it (same identity, server and experiment); any other starts a new
 * MLflow run.
 *
 * @param run the identity of the job that created the MLflow run
 */
public record MlflowRunFile(String trackingUri, String experiment, String experimentId, String runId, RunIdentity run) {

  public static final String FILE = Workspace.MLFLOW_RUN;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The run recorded in workspace {@code root} for this identity, server and experiment, or null. */
  public static MlflowRunFile find(Path root, String trackingUri, String experiment, RunIdentity identity) {
    Path file = root.resolve(FILE);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    try {
      MlflowRunFile f = JSON.readValue(file.toFile(), MlflowRunFile.class);
      boolean ours = f.runId != null && identity.owns(f.run) && Objects.equals(trackingUri, f.trackingUri)
          && Objects.equals(experiment, f.experiment);
      return ours ? f : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Publishes this record into workspace {@code root} (atomically: a reader sees the old one or this). */
  public void write(Path root) throws IOException {
    AtomicFiles.write(root.resolve(FILE), JSON.writeValueAsBytes(this));
  }
}
