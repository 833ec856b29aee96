package io.rela.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rela.trainer.TestFiles;
import io.rela.trainer.checkpoint.Checkpoint;
import io.rela.trainer.checkpoint.RunIdentity;
import io.rela.trainer.config.JobFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A workspace and its checkpoints belong to one run: an edited file of the same name never resumes them. */
class RunIdentityTest {

  @TempDir
  Path dir;

  private Cli.Result run(Path job, String... extra) {
    String[] args = Stream.concat(Stream.of("run", job.toString(), "--workspace-root", dir.resolve("ws").toString(), "--quiet"),
        Stream.of(extra)).toArray(String[]::new);
    return Cli.run(args);
  }

  @Test
  void theIdentityChangesWithWhatTrainingComputesOnly() throws Exception {
    Path a = TestFiles.quickJob(dir, "same", 256, 1, "dataRatio: 0.5");
    RunIdentity base = RunIdentity.of(JobFiles.readJob(a));
    Path workers = dir.resolve("workers.yaml");
    Files.writeString(workers, Files.readString(a).replace("workers: 2", "workers: 1\n    checkpointEveryEpochs: 3"));
    assertThat(RunIdentity.of(JobFiles.readJob(workers))).isEqualTo(base);
    Files.createDirectories(dir.resolve("e"));
    Path epochs = TestFiles.quickJob(dir.resolve("e"), "same", 256, 2, "dataRatio: 0.5");
    assertThat(RunIdentity.of(JobFiles.readJob(epochs)).specHash()).isNotEqualTo(base.specHash());
    Path uid = dir.resolve("uid.yaml");
    Files.writeString(uid, Files.readString(a).replace("name: same", "name: same\n  uid: 0b5e7a3c-1111-2222-3333-444455556666"));
    assertThat(RunIdentity.of(JobFiles.readJob(uid)).owns(base)).isFalse();
  }

  @Test
  void anEditedFileOfTheSameNameIsRefusedThenStartsFreshWhenAskedTo() throws Exception {
    Path first = TestFiles.quickJob(dir, "same", 256, 1, "dataRatio: 0.5");
    Cli.Result r = run(first);
    assertThat(r.exitCode()).as(r.err()).isZero();
    Path ws = dir.resolve("ws/same");
    assertThat(ws.resolve(RunIdentity.FILE)).exists();
    Checkpoint.Loaded done = Checkpoint.newestValid(ws.resolve("checkpoints"), s -> { }).orElseThrow();
    assertThat(done.meta.run()).isEqualTo(RunIdentity.of(JobFiles.readJob(first)));

    // the same name, two epochs now: the one-epoch checkpoint is not this run's
    Files.createDirectories(dir.resolve("edited"));
    Path edited = TestFiles.quickJob(dir.resolve("edited"), "same", 256, 2, "dataRatio: 0.5");
    r = run(edited);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("workspace " + ws).contains("holds the files of job same")
        .contains(RunIdentity.of(JobFiles.readJob(first)).specHash().substring(0, 12))
        .contains(RunIdentity.of(JobFiles.readJob(edited)).specHash().substring(0, 12)).contains("--fresh");
    assertThat(r.out()).doesNotContain("resuming from");

    r = run(edited, "--fresh");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("starting fresh").doesNotContain("resuming from");
    try (Stream<Path> s = Files.list(ws)) {
      assertThat(s.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("previous-run-"));
    }
    assertThat(Checkpoint.newestValid(ws.resolve("checkpoints"), s -> { }).orElseThrow().meta.epochsDone()).isEqualTo(2);
  }
}
