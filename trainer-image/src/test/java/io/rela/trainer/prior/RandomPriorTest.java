package io.rela.trainer.prior;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.rela.api.spec.Backbone;
import io.rela.api.spec.Schedule;
import io.rela.trainer.BadInputException;
import io.rela.trainer.TestFiles;
import io.rela.trainer.config.JobFiles;
import io.rela.trainer.config.JobSettings;
import io.rela.trainer.data.Preprocess;
import io.rela.trainer.model.Networks;
import io.rela.trainer.rela.SwitchRule;
import io.rela.trainer.checkpoint.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Random prior is the student's own initial backbone (the reference's rand prior) unless asked otherwise. */
class RandomPriorTest {

  @TempDir
  Path dir;

  private JobSettings job(String priorPart) throws Exception {
    Path f = TestFiles.quickJob(dir, "rand", 256, 1, "dataRatio: 0.5");
    Files.writeString(f, Files.readString(f).replace("  model:", "  prior:\n" + priorPart + "  model:")
        .replace("epochs: 1", "epochs: 1\n    seed: 11"));
    return JobFiles.readJob(f);
  }

  @Test
  void embedsWithTheStudentsInitialBackbone() throws Exception {
    JobSettings student = job("    type: Random\n");
    JobSettings independent = job("    type: Random\n    randomInit: Independent\n");
    assertThat(student.training().seed()).isEqualTo(11);
    assertThat(Priors.identity(student, null, null)).isNotEqualTo(Priors.identity(independent, null, null));
    try (NDManager m = NDManager.newBaseManager()) {
      Networks.Architecture arch = new Networks.Architecture(Backbone.CONVNET4, student.model().cifarStem(), 1, 28);
      NDArray x = m.randomNormal(new Shape(6, 1, 28, 28));
      float[] fromPrior;
      float[] fromIndependent;
      try (PriorModel p = Priors.open(student, m, null); PriorModel q = Priors.open(independent, m, null)) {
        fromPrior = p.embed(x).toFloatArray();
        fromIndependent = q.embed(x).toFloatArray();
      }
      // the student as training builds it, with every other network after the backbone
      try (Networks nets = new Networks(m, arch, 128, 64, 32, 10, false, student.training().seed())) {
        float[] fromStudent = nets.part(Networks.BACKBONE).forward(new ParameterStore(m, false), new NDList(x), false)
            .singletonOrThrow().toFloatArray();
        assertThat(fromPrior).containsExactly(fromStudent);
        assertThat(fromIndependent).isNotEqualTo(fromStudent);
      }
    }
  }

  @Test
  void aJobPriorSeesImagesAsItsSourceDatasetDid() throws Exception {
    JobSettings here = job("    type: Random\n");
    SwitchRule.State st = new SwitchRule(Schedule.None, SwitchRule.Averages.REFERENCE, 0, 1).state();
    float[] mean = {0.5f, 0.4f, 0.3f};
    float[] std = {0.2f, 0.25f, 0.3f};
    // an RGB source (say CIFAR-10) used on grey Fashion-MNIST: three channels, the source's statistics
    Preprocess p = Priors.jobPriorPreprocess(new Checkpoint.Meta(1, 1, 1, 0, "RESNET18", true, 3, 32, st, mean, std, null),
        here);
    assertThat(p.channels()).isEqualTo(3);
    assertThat(p.mean()).containsExactly(mean);
    assertThat(p.std()).containsExactly(std);
    assertThat(p.size()).isEqualTo(here.prior().inputSize());
    // a checkpoint from before the statistics were recorded: the dataset's, for the prior's channels
    Preprocess old = Priors.jobPriorPreprocess(new Checkpoint.Meta(1, 1, 1, 0, "RESNET18", true, 3, 32, st, null, null, null),
        here);
    assertThat(old.mean()).hasSize(3);
    assertThatThrownBy(() -> Priors.jobPriorPreprocess(new Checkpoint.Meta(1, 1, 1, 0, "RESNET18", true, 4, 32, st, null, null, null),
        here))
        .isInstanceOf(BadInputException.class).hasMessageContaining("spec.prior.jobRef").hasMessageContaining("4 input channels");
  }

  @Test
  void aJobPriorsCheckpointMustBeTheReferencedJobsOwn() {
    SwitchRule.State st = new SwitchRule(Schedule.None, SwitchRule.Averages.REFERENCE, 0, 1).state();
    Path f = dir.resolve("checkpoint-epoch-000001.bin");
    Checkpoint.Meta mine = new Checkpoint.Meta(1, 1, 1, 0, "CONVNET4", true, 1, 28, st, null, null,
        new io.rela.trainer.checkpoint.RunIdentity("teacher", "uid-a", "0123"));
    Priors.requireWrittenBy(mine, f, "uid-a");
    Priors.requireWrittenBy(mine, f, null);
    // written before runs had identities: nothing to compare
    Priors.requireWrittenBy(new Checkpoint.Meta(1, 1, 1, 0, "CONVNET4", true, 1, 28, st, null, null, null), f, "uid-b");
    assertThatThrownBy(() -> Priors.requireWrittenBy(mine, f, "uid-b")).isInstanceOf(BadInputException.class)
        .hasMessageContaining("spec.prior.jobRef").hasMessageContaining("uid-a").hasMessageContaining("uid-b");
  }
}
