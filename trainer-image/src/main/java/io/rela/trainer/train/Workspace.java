package io.rela.trainer.train;

import java.nio.file.Path;

/** Where a job keeps its files; the same layout on a laptop and on the workspace volume. */
public record Workspace(Path root, Path priorCache) {

  public Path checkpoints() {
    return root.resolve("checkpoints");
  }

  public Path progressLog() {
    return root.resolve("progress.jsonl");
  }

  public Path reportDir() {
    return root.resolve("report");
  }

  /** The trained backbone exported for PyTorch (safetensors + preprocessing JSON). */
  public Path exportDir() {
    return root.resolve("export");
  }

  /** The training outcome the evaluation stage and the operator read. */
  public Path trainResult() {
    return root.resolve("train-result.json");
  }
}
