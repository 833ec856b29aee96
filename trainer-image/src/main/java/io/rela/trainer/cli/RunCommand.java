package io.rela.trainer.cli;

import io.rela.api.contract.Mounts;
import io.rela.api.contract.ProgressReport;
import io.rela.api.spec.PriorType;
import io.rela.trainer.Workspace;
import io.rela.trainer.checkpoint.Checkpoint;
import io.rela.trainer.config.JobFiles;
import io.rela.trainer.config.JobSettings;
import io.rela.trainer.progress.Progress;
import io.rela.trainer.progress.StepTraceSink;
import io.rela.trainer.report.ReportWriter;
import io.rela.trainer.train.Stages;
import io.rela.trainer.train.Training;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs every stage of a ReLATrainingJob file in this process: the laptop path. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run a ReLATrainingJob YAML locally: embed, train, evaluate, and write a report.")
final class RunCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "The ReLATrainingJob YAML (the same file you would kubectl apply).")
  Path jobFile;

  @Option(names = "--workspace-root", description = "Folder holding one workspace per job. Default: ${DEFAULT-VALUE}.")
  Path workspaceRoot = Path.of("rela-workspace");

  @Option(names = "--prior-cache", description = "Shared prior-embedding cache. Default: <workspace-root>/prior-cache.")
  Path priorCache;

  @Option(names = "--report-dir", description = "Where the report goes. Default: <workspace>/report.")
  Path reportDir;

  @Option(names = "--step-trace", description = "Also write every training step (step, epoch, phase, loss, rho) to this CSV file.")
  Path stepTrace;

  @Option(names = "--stop-after-epochs", hidden = true, description = "Stop cleanly after this many epochs (tests).")
  Integer stopAfterEpochs;

  @Option(names = "--fresh", description = "If the workspace holds another run's files (an edited file, a job of the"
      + " same name), move them aside into previous-run-<time>/ and start from scratch instead of refusing.")
  boolean fresh;

  @Mixin
  CommonOptions common;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    JobSettings s = JobFiles.readJob(jobFile);
    Workspace ws = new Workspace(workspaceRoot.resolve(s.name()),
        priorCache != null ? priorCache : Mounts.priorCacheIn(workspaceRoot));
    Path priorCkpt = null;
    if (s.prior().type() == PriorType.Job) {
      Path dir = workspaceRoot.resolve(jobRefName(jobFile)).resolve("checkpoints");
      priorCkpt = Checkpoint.newestValid(dir, System.out::println).map(c -> c.file).orElse(null);
    }
    // the workspace is claimed before the tracker reads its run record: --fresh moves another run's aside
    io.rela.trainer.checkpoint.RunIdentity.of(s).claim(ws.root(), "workspace " + ws.root(), fresh, System.out::println);
    try (Progress progress = common.progress(s.name(), ws, null, stepTrace == null ? null : new StepTraceSink(stepTrace),
            io.rela.trainer.tracking.Tracking.open(s, null, ws.root(), true, System.out));
        Stages stages = new Stages(s, ws, priorCkpt, progress, System.out, common.skipUnreadable)
            .workspace("workspace " + ws.root(), fresh)) {
      stages.trainData();
      long tEmbed = System.nanoTime();
      for (int i = 0; i < s.prior().shards(); i++) {
        stages.embed(i, s.prior().shards());
      }
      long tTrain = System.nanoTime();
      Training.Outcome out = stages.train(stopAfterEpochs);
      if (!out.finished()) {
        System.out.println("stopped after " + out.epochsDone() + " epochs as asked; run again to resume");
        return 0;
      }
      long tEval = System.nanoTime();
      ProgressReport result = stages.evaluate();
      List<ProgressReport> epochs = stages.epochHistory();
      Path report = reportDir != null ? reportDir : ws.reportDir();
      long tEnd = System.nanoTime();
      double wall = (tEnd - t0) / 1e9;
      ReportWriter.write(report, epochs, result,
          new ReportWriter.StageSeconds((tTrain - tEmbed) / 1e9, (tEval - tTrain) / 1e9, (tEnd - tEval) / 1e9, wall));
      result = stages.publishModelImage(result);
      System.out.println();
      System.out.println("== ReLA run " + s.name() + " ==");
      System.out.println("                        linear probe   kNN (k=" + s.evaluation().knnK() + ")");
      System.out.printf("trained backbone        %6.2f%%        %6.2f%%%n", 100 * result.linearProbeAccuracy,
          100 * result.knnAccuracy);
      if (result.randomBaselineAccuracy != null) {
        System.out.printf("untrained backbone      %6.2f%%        %6.2f%%%n", 100 * result.randomBaselineAccuracy,
            100 * result.randomBaselineKnnAccuracy);
        System.out.printf("margin                  %+6.2f points  %+6.2f points%n",
            100 * (result.linearProbeAccuracy - result.randomBaselineAccuracy),
            100 * (result.knnAccuracy - result.randomBaselineKnnAccuracy));
      }
      System.out.printf("(probe: %s, %d epochs, Adam lr %s, batch %d, mean of the last %d epochs)%n",
          s.evaluation().standardize() ? "standardised features" : "raw features", s.evaluation().probeEpochs(),
          java.math.BigDecimal.valueOf(s.evaluation().probeLearningRate()).stripTrailingZeros().toPlainString(), s.evaluation().probeBatchSize(),
          s.evaluation().averagedEpochs());
      System.out.printf("samples processed       %d (%.2f full-data epochs)%n", result.samplesProcessed, result.fullDataEquivalentEpochs);
      System.out.printf("ReLA -> BYOL switch     %s%n", result.switchedAtEpoch == null ? "never (ReLA throughout)"
          : "at epoch " + (result.switchedAtEpoch + 1) + " of " + s.training().epochs());
      System.out.printf("wall time               %.1f s%n", wall);
      System.out.println("report                  " + report.toAbsolutePath());
      System.out.println("backbone for PyTorch    " + Path.of(result.backboneExport).toAbsolutePath());
      return 0;
    }
  }

  private static String jobRefName(Path jobFile) throws java.io.IOException {
    var root = JobFiles.YAML.readTree(jobFile.toFile());
    return root.path("spec").path("prior").path("jobRef").path("name").asText();
  }
}
