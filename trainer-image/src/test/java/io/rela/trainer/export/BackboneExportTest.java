package io.rela.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rela.api.spec.Backbone;
import io.rela.trainer.Npy;
import io.rela.trainer.PyTorch;
import io.rela.trainer.model.Networks;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The exported backbone, loaded into torchvision's model (or the documented convnet4 module)
 * by Debian's PyTorch exactly as the README says, reproduces the Java backbone's features.
 */
class BackboneExportTest {

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0} smallImageStem={1} channels={2} size={3}")
  @CsvSource({"RESNET18, true, 1, 32", "RESNET18, false, 3, 64", "RESNET50, false, 3, 64", "CONVNET4, true, 1, 28"})
  void pytorchReproducesTheJavaFeatures(Backbone backbone, boolean stem, int channels, int size) throws Exception {
    Networks.Architecture arch = new Networks.Architecture(backbone, stem, channels, size);
    try (NDManager m = NDManager.newBaseManager()) {
      Block net = Networks.initialBackbone(m, arch, 3);
      perturb(m, net, channels, size);
      Path export = BackboneExport.write(dir.resolve("export"), net, arch,
          new BackboneExport.Input(size, new float[channels], ones(channels)), Map.of("job", "test"));

      NDArray x = m.randomNormal(new Shape(4, channels, size, size));
      NDArray f = net.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
      Npy.write(dir.resolve("x.npy"), x.toFloatArray(), 4, channels, size, size);
      Npy.write(dir.resolve("f.npy"), f.toFloatArray(), 4, arch.featureDim());
      String out = PyTorch.ok("export_check.py", export.toString(), dir.resolve("x.npy").toString(),
          dir.resolve("f.npy").toString());
      assertThat(out).contains("loaded strictly");

      JsonNode meta = new ObjectMapper().readTree(export.resolve(BackboneExport.DESCRIPTION).toFile());
      assertThat(meta.get("architecture").asText()).isEqualTo(backbone.name().toLowerCase());
      assertThat(meta.get("smallImageStem").asBoolean()).isEqualTo(stem);
      assertThat(meta.get("featureDim").asInt()).isEqualTo(arch.featureDim());
      assertThat(meta.at("/preprocessing/centerCrop").asInt()).isEqualTo(size);
      assertThat(export.resolve(BackboneExport.MODULE)).exists();
    }
  }

  /**
   * Moves every BatchNorm tensor away from its initial value (running statistics by forward
   * passes in training mode, scale and shift by hand), so a tensor exported under the wrong
   * name, or a BatchNorm constant that differs from PyTorch's, changes the features.
   */
  private static void perturb(NDManager m, Block net, int channels, int size) {
    ParameterStore ps = new ParameterStore(m, false);
    for (int i = 0; i < 3; i++) {
      NDArray x = m.randomNormal(0.5f, 2f, new Shape(8, channels, size, size), ai.djl.ndarray.types.DataType.FLOAT32);
      net.forward(ps, new NDList(x), true);
    }
    for (Pair<String, Parameter> p : net.getParameters()) {
      if (p.getKey().endsWith("gamma") || p.getKey().endsWith("beta")) {
        NDArray a = p.getValue().getArray();
        m.randomUniform(p.getKey().endsWith("gamma") ? 0.5f : -0.5f, p.getKey().endsWith("gamma") ? 1.5f : 0.5f, a.getShape())
            .copyTo(a);
      }
    }
  }

  private static float[] ones(int n) {
    float[] o = new float[n];
    java.util.Arrays.fill(o, 1f);
    return o;
  }
}
