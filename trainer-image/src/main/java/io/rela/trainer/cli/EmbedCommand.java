package io.rela.trainer.cli;

import io.rela.trainer.config.JobSettings;
import io.rela.trainer.train.Stages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** One slice of the prior embedding pass (an Indexed Job's pod). */
@Command(name = "embed", mixinStandardHelpOptions = true, description = "Embed slice i of n of the training set with the prior.")
final class EmbedCommand extends ConfigCommand {

  @Option(names = "--shard", description = "Slice to embed. Default: $JOB_COMPLETION_INDEX, else 0.")
  Integer shard;

  @Option(names = "--shards", description = "Number of slices. Default: spec.prior.shards.")
  Integer shards;

  /** Embedding pods see the workspace read-only and report nothing to the tracker. */
  @Override
  boolean tracked() {
    return false;
  }

  @Override
  int run(Stages stages, JobSettings s) throws Exception {
    int n = shards != null ? shards : s.prior().shards();
    int i = shard != null ? shard : Integer.parseInt(System.getenv().getOrDefault("JOB_COMPLETION_INDEX", "0"));
    if (i < 0 || i >= n) {
      throw new io.rela.trainer.BadInputException("--shard " + i + " is outside 0.." + (n - 1));
    }
    stages.embed(i, n);
    return 0;
  }
}
