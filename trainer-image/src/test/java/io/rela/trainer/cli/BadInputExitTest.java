package io.rela.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rela.trainer.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input stops before any training, names the file or field, and exits 2. */
class BadInputExitTest {

  @TempDir
  Path dir;

  private Cli.Result run(Path job) {
    return Cli.run("run", job.toString(), "--workspace-root", dir.resolve("ws").toString(), "--quiet");
  }

  @Test
  void outOfRangeRatio() throws Exception {
    Cli.Result r = run(TestFiles.quickJob(dir, "bad-ratio", 256, 1, "dataRatio: 1.5"));
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("spec.rela.dataRatio").contains("less than or equal to 1");
    assertThat(dir.resolve("ws/bad-ratio/checkpoints")).doesNotExist();
  }

  @Test
  void anEpochSmallerThanOneBatch() throws Exception {
    // floor(256 x 0.2) = 51 samples per epoch, batch 64: no step would ever run
    Cli.Result r = run(TestFiles.quickJob(dir, "tiny-epoch", 256, 1, "dataRatio: 0.2"));
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("spec.rela.dataRatio").contains("spec.training.batchSize").contains("= 51 samples");
    assertThat(dir.resolve("ws/tiny-epoch/checkpoints")).doesNotExist();
  }

  @Test
  void constantWithoutFraction() throws Exception {
    Cli.Result r = run(TestFiles.quickJob(dir, "bad-constant", 256, 1, "schedule: Constant"));
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("spec.rela.constantFraction");
  }

  @Test
  void oneAdaptiveWindowWithoutTheOther() throws Exception {
    Cli.Result r = run(TestFiles.quickJob(dir, "bad-windows", 256, 1, "fastWindowEpochs: 0.5"));
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("spec.rela.fastWindowEpochs");
  }

  @Test
  void missingDatasetFolder() throws Exception {
    Path job = TestFiles.quickJob(dir, "no-data", 256, 1, "dataRatio: 0.5");
    Files.writeString(job, Files.readString(job).replace(TestFiles.FASHION_MNIST.toString(), dir.resolve("absent").toString()));
    Cli.Result r = run(job);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("absent").contains("does not exist");
  }

  @Test
  void truncatedDatasetFile() throws Exception {
    Path data = dir.resolve("data");
    TestFiles.writeIdx(data, "train", 300, false);
    Path images = data.resolve("train-images-idx3-ubyte");
    Files.write(images, java.util.Arrays.copyOf(Files.readAllBytes(images), 500));
    Path job = TestFiles.quickJob(dir, "truncated", 256, 1, "dataRatio: 0.5");
    Files.writeString(job, Files.readString(job).replace(TestFiles.FASHION_MNIST.toString(), data.toString()));
    Cli.Result r = run(job);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("train-images-idx3-ubyte").contains("truncated");
  }

  @Test
  void priorFileThatIsNotTorchScript() throws Exception {
    Path fake = dir.resolve("prior.pt");
    Files.writeString(fake, "this is not a TorchScript archive");
    Path job = TestFiles.quickJob(dir, "bad-prior", 256, 1, "dataRatio: 0.5");
    Files.writeString(job, Files.readString(job).replace("  model:", "  prior:\n    type: TorchScript\n    uri: " + fake + "\n  model:"));
    Cli.Result r = run(job);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("spec.prior.uri").contains("prior.pt").contains("not a TorchScript model");
  }

  @Test
  void unknownFieldAndWrongKind() throws Exception {
    Path job = TestFiles.quickJob(dir, "typo", 256, 1, "dataRatio: 0.5\nratio: 0.2");
    Cli.Result r = run(job);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("spec.rela.ratio: unknown field");
    Path notJob = dir.resolve("pod.yaml");
    Files.writeString(notJob, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n");
    assertThat(run(notJob).err()).contains("kind must be ReLATrainingJob");
  }
}
