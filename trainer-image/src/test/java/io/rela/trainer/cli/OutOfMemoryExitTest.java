package io.rela.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rela.trainer.TestFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trainer out of Java heap ends, with a message naming the setting to raise. Left to the JVM,
 * an OutOfMemoryError ended only the main thread and the metrics server kept the process (and
 * its pod) running for ever.
 */
class OutOfMemoryExitTest {

  @TempDir
  Path dir;

  @Test
  void aHeapTooSmallForTheJobExitsWithAMessage() throws Exception {
    Path job = TestFiles.quickJob(dir, "tiny-heap", 3000, 1, "dataRatio: 0.5");
    Path log = dir.resolve("run.log");
    Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true", "-Xmx24m", TrainerCli.class.getName(),
        "run", job.toString(), "--workspace-root", dir.resolve("ws").toString(), "--quiet"))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean ended = p.waitFor(3, TimeUnit.MINUTES);
    if (!ended) {
      p.destroyForcibly();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(ended).as("the process ended\n%s", out).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(1);
    assertThat(out).contains("error: out of Java heap").contains("spec.resources.memory");
  }
}
