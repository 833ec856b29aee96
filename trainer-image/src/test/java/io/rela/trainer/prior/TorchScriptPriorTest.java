package io.rela.trainer.prior;

import static org.assertj.core.api.Assertions.assertThat;

import io.rela.trainer.Npy;
import io.rela.trainer.PyTorch;
import io.rela.trainer.TestFiles;
import io.rela.trainer.Workspace;
import io.rela.trainer.config.JobFiles;
import io.rela.trainer.config.JobSettings;
import io.rela.trainer.data.ImageDataset;
import io.rela.trainer.progress.Progress;
import io.rela.trainer.train.Stages;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real TorchScript prior: torchvision's resnet18 scripted by Debian's PyTorch. The embedding
 * stage's cached rows equal PyTorch's own output on the same preprocessed images; a model
 * returning the wrong shape stops the run with exit 2 naming the file and the shape.
 */
class TorchScriptPriorTest {

  @TempDir
  Path dir;

  private Path job(String name, Path model, int samples) throws Exception {
    Path f = TestFiles.quickJob(dir, name, samples, 1, "dataRatio: 0.5");
    Files.writeString(f, Files.readString(f).replace("  model:", "  prior:\n    type: TorchScript\n    uri: " + model + "\n  model:")
        .replace("batchSize: 64", "batchSize: " + Math.min(64, samples / 2)));
    return f;
  }

  @Test
  void embeddingsMatchPyTorch() throws Exception {
    Path model = dir.resolve("resnet18.pt");
    PyTorch.ok("torchscript_prior.py", "resnet18", model.toString());
    JobSettings s = JobFiles.readJob(job("clip-like", model, 6));
    assertThat(s.prior().inputSize()).isEqualTo(224);
    Workspace ws = new Workspace(dir.resolve("ws"), dir.resolve("cache"));
    float[] cached;
    float[] inputs;
    int[] dim = new int[1];
    try (Progress progress = new Progress();
        Stages stages = new Stages(s, ws, null, progress, new PrintStream(System.out), false)) {
      assertThat(stages.embed(0, 1)).isTrue();
      var rows = new EmbeddingCache(ws.priorCache()).rows(stages.cacheKey(), 1, stages.trainData().size());
      dim[0] = rows.d();
      float[] all = new float[(int) rows.n() * rows.d()];
      rows.forEach((first, block, count) -> System.arraycopy(block, 0, all, (int) first * rows.d(), count * rows.d()));
      cached = all;
      ImageDataset data = stages.trainData();
      try (TorchScriptPrior p = TorchScriptPrior.load(model, 224)) {
        inputs = p.preprocess().batch(data, 0, data.size());
      }
    }
    assertThat(dim[0]).isEqualTo(512);
    Npy.write(dir.resolve("in.npy"), inputs, 6, 3, 224, 224);
    PyTorch.ok("torchscript_prior.py", "run", model.toString(), dir.resolve("in.npy").toString(), dir.resolve("out.npy").toString());
    float[] expected = Npy.read(dir.resolve("out.npy"));
    assertThat(cached).hasSameSizeAs(expected);
    double maxDiff = 0;
    for (int i = 0; i < expected.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(cached[i] - expected[i]));
    }
    System.out.println("TorchScript resnet18 prior: max |java - pytorch| = " + maxDiff);
    assertThat(maxDiff).isLessThanOrEqualTo(1e-4);
  }

  @Test
  void embeddingsThatAreNotNumbersStopTrainingWithItsOwnExitCode() throws Exception {
    Path model = dir.resolve("nan.pt");
    PyTorch.ok("torchscript_prior.py", "nan", model.toString());
    io.rela.trainer.cli.Cli.Result r = io.rela.trainer.cli.Cli.run("run", job("diverges", model, 128).toString(),
        "--workspace-root", dir.resolve("ws").toString(), "--quiet");
    assertThat(r.exitCode()).isEqualTo(io.rela.api.contract.ExitCodes.NON_FINITE_LOSS);
    assertThat(r.err()).contains("non-finite loss (NaN)").contains("ReLA phase at epoch 1").contains("learningRate");
    assertThat(dir.resolve("ws/diverges/checkpoints")).doesNotExist();
  }

  @Test
  void aWrongOutputShapeIsBadInput() throws Exception {
    Path model = dir.resolve("bad-shape.pt");
    PyTorch.ok("torchscript_prior.py", "bad-shape", model.toString());
    io.rela.trainer.cli.Cli.Result r = io.rela.trainer.cli.Cli.run("run", job("bad-shape", model, 64).toString(),
        "--workspace-root", dir.resolve("ws").toString(), "--quiet");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("spec.prior.uri").contains("bad-shape.pt").contains("returned shape (64, 3, 224)");
  }
}
