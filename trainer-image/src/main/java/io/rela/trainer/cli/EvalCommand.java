package io.rela.trainer.cli;

import io.rela.trainer.config.JobSettings;
import io.rela.trainer.report.ReportWriter;
import io.rela.trainer.train.Stages;
import picocli.CommandLine.Command;

/** The evaluation stage: linear probe of the final checkpoint, then the report. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Linear-probe the trained backbone and write the report.")
final class EvalCommand extends ConfigCommand {

  @Override
  int run(Stages stages, JobSettings s) throws Exception {
    var result = stages.evaluate();
    ReportWriter.write(java.nio.file.Path.of(stages.workspace().reportDir().toString()), stages.epochHistory(), result);
    stages.publishModelImage(result);
    return 0;
  }
}
