package io.rela.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rela.trainer.TestFiles;
import io.rela.trainer.prior.EmbeddingCache;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two jobs with the same dataset, prior and input size share one cache entry: two trainer
 * processes embedding it at the same moment leave one complete, verified shard and both train
 * from it; a shard damaged later is detected by its checksum and embedded again.
 */
class SharedCacheTest {

  @TempDir
  Path dir;

  private Process start(Path job, String workspace, Path cache) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true", "-Xmx2g",
        TrainerCli.class.getName(), "run", job.toString(), "--workspace-root", dir.resolve(workspace).toString(),
        "--prior-cache", cache.toString(), "--quiet"));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(workspace + ".log").toFile()).start();
  }

  @Test
  void twoProcessesEmbedOneKeyAtOnceThenTrainAndADamagedShardIsEmbeddedAgain() throws Exception {
    Path cache = dir.resolve("shared-cache");
    Path a = TestFiles.quickJob(dir, "together-a", 384, 1, "dataRatio: 0.5");
    Path b = TestFiles.quickJob(dir, "together-b", 384, 1, "dataRatio: 0.5");
    Process pa = start(a, "ws-a", cache);
    Process pb = start(b, "ws-b", cache);
    assertThat(pa.waitFor(10, TimeUnit.MINUTES) && pb.waitFor(10, TimeUnit.MINUTES)).isTrue();
    String outA = Files.readString(dir.resolve("ws-a.log"), StandardCharsets.UTF_8);
    String outB = Files.readString(dir.resolve("ws-b.log"), StandardCharsets.UTF_8);
    assertThat(pa.exitValue()).as(outA).isZero();
    assertThat(pb.exitValue()).as(outB).isZero();
    assertThat(outA + outB).contains("embedded 384 samples");
    for (String line : (outA + outB).split("\n")) {
      if (line.contains("embedded") || line.contains("prior cache hit")) {
        System.out.println("concurrent run: " + line);
      }
    }
    assertThat(dir.resolve("ws-a/together-a/report/summary.json")).exists();
    assertThat(dir.resolve("ws-b/together-b/report/summary.json")).exists();

    Path entry;
    try (Stream<Path> s = Files.list(cache)) {
      List<Path> entries = s.filter(Files::isDirectory).toList();
      assertThat(entries).as("one key for both jobs").hasSize(1);
      entry = entries.get(0);
    }
    try (Stream<Path> s = Files.list(entry)) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("meta.json", "shard-0000-of-0001.f32");
    }
    EmbeddingCache c = new EmbeddingCache(cache);
    c.rows(entry.getFileName().toString(), 1, 384).forEach((first, rows, count) -> { });

    // a bit flips on the shared volume: the next job notices and embeds the shard again
    Path shard = EmbeddingCache.shardFile(entry, 0, 1);
    byte[] bytes = Files.readAllBytes(shard);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(shard, bytes);
    Path again = TestFiles.quickJob(dir, "after-damage", 384, 1, "dataRatio: 0.5");
    Cli.Result r = Cli.run("run", again.toString(), "--workspace-root", dir.resolve("ws-c").toString(),
        "--prior-cache", cache.toString(), "--quiet");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("checksum mismatch").contains("embedding it now").contains("embedded 384 samples");
    c.rows(entry.getFileName().toString(), 1, 384).forEach((first, rows, count) -> { });
  }
}
