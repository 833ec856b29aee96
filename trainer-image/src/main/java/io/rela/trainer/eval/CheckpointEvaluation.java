package io.rela.trainer.eval;

import ai.djl.ndarray.NDManager;
import io.rela.api.contract.ProgressReport;
import io.rela.trainer.checkpoint.Checkpoint;
import io.rela.trainer.config.EvalSettings;
import io.rela.trainer.config.JobSettings;
import io.rela.trainer.data.ImageDataset;
import io.rela.trainer.data.Normalisation;
import io.rela.trainer.data.Preprocess;
import io.rela.trainer.export.BackboneExport;
import io.rela.trainer.model.Networks;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * The evaluation stage's work on one checkpoint: the trained backbone's linear probe and kNN
 * scores, the untrained backbone it started from as the baseline, and the trained backbone
 * exported for PyTorch, all written into the job's report.
 */
public final class CheckpointEvaluation {

  private CheckpointEvaluation() {}

  /**
   * @param trainSamples the training set's size, for the full-data-equivalent epochs
   * @param exportDir where the backbone is exported (safetensors and preprocessing JSON)
   * @param r the report the scores, the export's path and the checkpoint's counts go into
   */
  public static void run(JobSettings s, NDManager manager, Checkpoint.Loaded ckpt, ImageDataset probeTrain,
      ImageDataset test, long trainSamples, Path exportDir, ProgressReport r, PrintStream log) throws IOException {
    EvalSettings e = s.evaluation();
    Normalisation norm = s.normalisation();
    Preprocess pre = Preprocess.evaluation(s.data().format(), s.data().imageSize(), s.data().channels(), norm.mean(), norm.std());
    Networks.Architecture arch = s.architecture();
    long t0 = System.nanoTime();
    Evaluation.Scores[] scores = new Evaluation(e, probeTrain, test, pre, s.model().featureDim(), s.training().seed())
        .trainedAndUntrained(manager, arch, ckpt, e.randomBaseline(), trained ->
            r.backboneExport = BackboneExport.write(exportDir, trained, arch,
                new BackboneExport.Input(s.data().imageSize(), norm.mean(), norm.std()), Map.of("job", s.name(),
                    "checkpoint", ckpt.file.getFileName().toString(), "epochs", ckpt.meta.epochsDone(),
                    "samplesSeen", ckpt.meta.samplesSeen())).toString());
    r.linearProbeAccuracy = scores[0].probe().accuracy();
    r.knnAccuracy = scores[0].knn();
    if (scores[1] != null) {
      r.randomBaselineAccuracy = scores[1].probe().accuracy();
      r.randomBaselineKnnAccuracy = scores[1].knn();
    }
    log.printf("linear probe %.4f, kNN %.4f (untrained backbone: %s) on %d test images, %.1f s%n", r.linearProbeAccuracy,
        r.knnAccuracy, r.randomBaselineAccuracy == null ? "not run"
            : String.format("probe %.4f, kNN %.4f", r.randomBaselineAccuracy, r.randomBaselineKnnAccuracy), test.size(),
        (System.nanoTime() - t0) / 1e9);
    log.println("backbone exported for PyTorch: " + r.backboneExport);
    r.checkpoint = ckpt.file.toString();
    r.samplesProcessed = ckpt.meta.samplesSeen();
    r.fullDataEquivalentEpochs = (double) ckpt.meta.samplesSeen() / trainSamples;
    r.switchedAtEpoch = ckpt.meta.switchState().switchEpoch() >= 0 ? ckpt.meta.switchState().switchEpoch() : null;
  }
}
