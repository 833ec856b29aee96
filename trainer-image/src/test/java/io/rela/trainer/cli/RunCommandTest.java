package io.rela.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rela.trainer.TestFiles;
import io.rela.trainer.checkpoint.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real short runs on the first few hundred Fashion-MNIST images. */
class RunCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void aShortRunTrainsSwitchesEvaluatesAndReports() throws Exception {
    Path job = TestFiles.quickJob(dir, "short", 384, 2, "dataRatio: 0.5\nschedule: Constant\nconstantFraction: 0.5");
    Cli.Result r = Cli.run("run", job.toString(), "--workspace-root", dir.resolve("ws").toString(), "--quiet",
        "--step-trace", dir.resolve("steps.csv").toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("trained backbone").contains("untrained backbone").contains("kNN (k=20)")
        .contains("ReLA -> BYOL switch     at epoch 2 of 2");

    Path ws = dir.resolve("ws/short");
    JsonNode summary = JSON.readTree(ws.resolve("report/summary.json").toFile());
    assertThat(summary.get("linearProbeAccuracy").asDouble()).isBetween(0.05, 1.0);
    assertThat(summary.get("knnAccuracy").asDouble()).isBetween(0.05, 1.0);
    assertThat(summary.get("randomBaselineKnnAccuracy").asDouble()).isBetween(0.05, 1.0);
    assertThat(summary.get("backboneExport").asText()).isEqualTo(ws.resolve("export").toString());
    assertThat(ws.resolve("export/backbone.safetensors")).isNotEmptyFile();
    assertThat(ws.resolve("export/backbone.json")).isNotEmptyFile();
    // 2 epochs x floor(384 * 0.5) = 192 samples, in full batches of 64
    assertThat(summary.get("samplesProcessed").asLong()).isEqualTo(2 * 192);
    assertThat(summary.get("switchedAtEpoch").asInt()).isEqualTo(1);
    JsonNode epochs = JSON.readTree(ws.resolve("report/epochs.json").toFile());
    assertThat(epochs).hasSize(2);
    assertThat(epochs.get(0).get("phase").asText()).isEqualTo("ReLA");
    assertThat(epochs.get(1).get("phase").asText()).isEqualTo("BYOL");
    assertThat(epochs.get(0).get("subsetRatio").asDouble()).isEqualTo(0.5);
    assertThat(Files.readString(ws.resolve("report/chart.svg"))).startsWith("<svg").contains("ReLA → BYOL");
    // every step once: 3 ReLA steps of epoch 0, then 3 BYOL steps of epoch 1 (no rho: not Adaptive)
    assertThat(Files.readAllLines(dir.resolve("steps.csv"))).satisfies(rows -> {
      assertThat(rows).hasSize(7);
      assertThat(rows.get(0)).isEqualTo("step,epoch,phase,loss,rho");
      assertThat(rows.get(1)).startsWith("0,0,ReLA,").endsWith(",");
      assertThat(rows.get(6)).startsWith("5,1,BYOL,");
    });
    List<String> lines = Files.readAllLines(ws.resolve("progress.jsonl"));
    assertThat(lines.stream().filter(l -> l.contains("\"epochEnd\":true")).count()).isEqualTo(2);

    // the same dataset, prior and input size again: the embedding pass is skipped
    Path again = TestFiles.quickJob(dir, "short-again", 384, 1, "dataRatio: 0.5");
    Cli.Result second = Cli.run("run", again.toString(), "--workspace-root", dir.resolve("ws").toString(), "--quiet");
    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(second.out()).contains("prior cache hit").doesNotContain("embedded 384 samples");
    assertThat(r.out()).contains("embedded 384 samples");
  }

  @Test
  void unreadableImagesAreSkippedCountedAndReported() throws Exception {
    Path data = dir.resolve("photos");
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
    for (String c : new String[] {"a", "b"}) {
      Files.createDirectories(data.resolve(c));
      for (int i = 0; i < 40; i++) {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(50, 40, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < 50 * 40; p++) {
          img.setRGB(p % 50, p / 50, rnd.nextInt(0x1000000));
        }
        javax.imageio.ImageIO.write(img, "png", data.resolve(c).resolve(i + ".png").toFile());
      }
    }
    Files.writeString(data.resolve("b/broken.png"), "not a png");
    Path job = TestFiles.quickJob(dir, "photos", 80, 1, "dataRatio: 1.0");
    Files.writeString(job, Files.readString(job).replace("format: FashionMNIST", "format: ImageFolder")
        .replace("path: " + TestFiles.FASHION_MNIST, "path: " + data + "\n    imageSize: 16")
        .replace("batchSize: 64", "batchSize: 16").replace("maxSamples: 80", "maxSamples: 81"));
    Cli.Result r = Cli.run("run", job.toString(), "--workspace-root", dir.resolve("ws").toString(), "--skip-unreadable-images");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).contains("skipping unreadable image").contains("broken.png");
    assertThat(r.out()).contains("skipped-images=1").contains("skipped 1 unreadable images");
    JsonNode summary = JSON.readTree(dir.resolve("ws/photos/report/summary.json").toFile());
    assertThat(summary.get("skippedImages").asInt()).isEqualTo(1);
  }

  @Test
  void plainByolNeedsNoPriorPass() throws Exception {
    Path job = TestFiles.quickJob(dir, "byol", 256, 1, "schedule: None");
    Cli.Result r = Cli.run("run", job.toString(), "--workspace-root", dir.resolve("ws").toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("skipping the embedding pass").doesNotContain("embedded 256 samples");
    assertThat(dir.resolve("ws/prior-cache")).doesNotExist();
    JsonNode epochs = JSON.readTree(dir.resolve("ws/byol/report/epochs.json").toFile());
    assertThat(epochs.get(0).get("phase").asText()).isEqualTo("BYOL");
  }

  @Test
  void aRunStoppedAndResumedEndsWithTheSameWeightsAsAnUninterruptedOne() throws Exception {
    String rela = "dataRatio: 0.5\nschedule: Constant\nconstantFraction: 0.34";
    Path whole = TestFiles.quickJob(Files.createDirectories(dir.resolve("a")), "same", 384, 3, rela);
    Path parts = TestFiles.quickJob(Files.createDirectories(dir.resolve("b")), "same", 384, 3, rela);
    assertThat(Cli.run("run", whole.toString(), "--workspace-root", dir.resolve("a/ws").toString(), "--quiet").exitCode()).isZero();

    Path wsB = dir.resolve("b/ws");
    Cli.Result first = Cli.run("run", parts.toString(), "--workspace-root", wsB.toString(), "--quiet", "--stop-after-epochs", "1");
    assertThat(first.out()).contains("stopped after 1 epochs");
    // a kill during the next epoch leaves a partial temp file and, worse, a torn newest checkpoint
    Path ckpts = wsB.resolve("same/checkpoints");
    Files.write(ckpts.resolve("checkpoint-epoch-000002.bin.tmp"), new byte[] {1, 2, 3});
    Files.write(ckpts.resolve("checkpoint-epoch-000002.bin"), new byte[1000]);
    Cli.Result resumed = Cli.run("run", parts.toString(), "--workspace-root", wsB.toString(), "--quiet");
    assertThat(resumed.exitCode()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("ignoring").contains("checkpoint-epoch-000002.bin")
        .contains("resuming from checkpoint-epoch-000001.bin");

    Path a = Checkpoint.fileFor(dir.resolve("a/ws/same/checkpoints"), 3);
    Path b = Checkpoint.fileFor(ckpts, 3);
    assertThat(Files.readAllBytes(b)).as("final checkpoint bytes").isEqualTo(Files.readAllBytes(a));
  }
}
