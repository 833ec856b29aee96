package io.rela.trainer.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.rela.api.spec.Backbone;
import io.rela.api.spec.Schedule;
import io.rela.trainer.model.Networks;
import io.rela.trainer.optim.AdamW;
import io.rela.trainer.rela.SwitchRule;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

  @TempDir
  Path dir;

  @Test
  void writesAtomicallyVerifiesAndNeverLoadsATornFile() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      Networks.Architecture arch = new Networks.Architecture(Backbone.CONVNET4, true, 1, 28);
      try (Networks nets = new Networks(m, arch, 64, 32, 16, 10, false, 1)) {
        AdamW opt = new AdamW(nets.manager(), 1e-3, 0.01);
        SwitchRule rule = new SwitchRule(Schedule.Adaptive, SwitchRule.Averages.REFERENCE, 0, 5);
        rule.onReLAStep(0.7, 0, 0);
        Checkpoint.Meta meta = new Checkpoint.Meta(1, 10, 640, 1, "CONVNET4", true, 1, 28, rule.state(), new float[] {0.286f}, new float[] {0.353f}, null);
        Path f = Checkpoint.save(dir, meta, nets, opt, 2);
        assertThat(f.getFileName().toString()).isEqualTo("checkpoint-epoch-000001.bin");
        try (var files = Files.list(dir)) {
          assertThat(files.filter(p -> p.toString().endsWith(".tmp")).count()).isZero();
        }
        var loaded = Checkpoint.read(f).orElseThrow();
        assertThat(loaded.meta).usingRecursiveComparison().isEqualTo(meta);

        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length - 20));
        assertThat(Checkpoint.read(f)).isEmpty();
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(f, bytes);
        assertThat(Checkpoint.read(f)).isEmpty();

        Checkpoint.save(dir, new Checkpoint.Meta(2, 20, 1280, 1, "CONVNET4", true, 1, 28, rule.state(), new float[] {0.286f}, new float[] {0.353f}, null), nets, opt, 2);
        Checkpoint.save(dir, new Checkpoint.Meta(3, 30, 1920, 1, "CONVNET4", true, 1, 28, rule.state(), new float[] {0.286f}, new float[] {0.353f}, null), nets, opt, 2);
        assertThat(Checkpoint.list(dir)).extracting(p -> p.getFileName().toString())
            .containsExactly("checkpoint-epoch-000003.bin", "checkpoint-epoch-000002.bin");
      }
    }
  }
}
