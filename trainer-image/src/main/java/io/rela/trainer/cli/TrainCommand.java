package io.rela.trainer.cli;

import io.rela.trainer.config.JobSettings;
import io.rela.trainer.train.Stages;
import picocli.CommandLine.Command;

/** The training stage; resumes from the newest valid checkpoint. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train with ReLA then BYOL, resuming from the last checkpoint.")
final class TrainCommand extends ConfigCommand {

  @Override
  int run(Stages stages, JobSettings s) throws Exception {
    stages.train(null);
    return 0;
  }
}
