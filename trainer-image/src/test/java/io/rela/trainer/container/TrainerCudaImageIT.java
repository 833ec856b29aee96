package io.rela.trainer.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.rela.testinfra.ImageTarball;
import io.rela.testinfra.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's GPU image (`make image-trainer-gpu`, `-Dcuda`) on a machine without a GPU or an
 * NVIDIA driver: it loads its CUDA build of libtorch, trains a small job on the CPU when given
 * no GPU, and stops with exit 4 (never the CPU instead) when given one.
 */
@EnabledIfSystemProperty(named = "rela.cudaImage", matches = ".+")
class TrainerCudaImageIT {

  private static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
  private static final String JOB = """
      apiVersion: rela.io/v1alpha1
      kind: ReLATrainingJob
      metadata:
        name: cuda-image-on-cpu
      spec:
        dataset: {format: FashionMNIST, path: /data/fashion-mnist}
        prior: {type: Random}
        model: {backbone: convnet4}
        training: {epochs: 1, batchSize: 64, maxSamples: 1024}
        rela: {dataRatio: 0.5}
        evaluation: {linearProbeEpochs: 5, maxSamples: 512}
        resources: {gpus: %d}
      """;

  @TempDir
  static Path dir;

  static ImageTarball image;

  @BeforeAll
  static void unpack() throws IOException {
    image = ImageTarball.unpack(Path.of(System.getProperty("rela.cudaImage")), dir);
    Path data = Files.createDirectories(image.rootfs().resolve("data/fashion-mnist"));
    try (Stream<Path> files = Files.list(FASHION_MNIST)) {
      for (Path f : files.toList()) {
        Files.copy(f, data.resolve(f.getFileName()));
      }
    }
    for (int gpus : List.of(0, 1)) {
      Path job = image.rootfs().resolve("data/job-" + gpus + ".yaml");
      Files.writeString(job, JOB.formatted(gpus));
    }
  }

  @Test
  void envNamesTheCudaBuildItLoadedAndTheMissingDriver() {
    ProcessRunner.Result r = image.runEntrypoint(List.of("env"), 180).assertSuccess();
    assertThat(r.stdout()).contains("engine: PyTorch 2.7.1", "flavour: cu128 (libtorch /opt/libtorch/torch/lib)",
        "cuda build: yes, CUDA runtime 12.6", "nvidia driver: none found", "cuda devices: 0");
  }

  @Test
  void carriesOneLibtorchAndOnlyWhatTheTrainerLoads() throws IOException {
    Path root = image.rootfs();
    try (Stream<Path> libs = Files.list(root.resolve("app/libs"))) {
      List<String> names = libs.map(p -> p.getFileName().toString()).toList();
      assertThat(names).anyMatch(n -> n.startsWith("pytorch-jni-")).noneMatch(n -> n.startsWith("pytorch-native-cpu"));
    }
    assertThat(root.resolve("opt/libtorch/torch/lib/libtorch_cuda.so")).isRegularFile();
    assertThat(root.resolve("opt/libtorch/torch/lib/libtorch_python.so")).doesNotExist();
    assertThat(root.resolve("opt/libtorch/torch/lib/libcaffe2_nvrtc.so")).doesNotExist();
    assertThat(root.resolve("opt/libtorch/torch/lib-lazy/libcaffe2_nvrtc.so")).isRegularFile();
    assertThat(Files.readString(root.resolve("opt/libtorch/MANIFEST"))).contains("torch-2.7.1-", "nvidia-cudnn-cu12==");
  }

  @Test
  void aJobGivenNoGpuTrainsOnTheCpuThroughTheCudaBuild() {
    ProcessRunner.Result r = image.runEntrypoint(List.of("run", "/data/job-0.yaml", "--workspace-root", "/tmp/ws0"),
        Map.of("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=25"), 900);
    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
    assertThat(r.stdout()).contains("device: cpu(), engine PyTorch 2.7.1 (flavour cu128)").contains("backbone for PyTorch");
  }

  @Test
  void aJobGivenAGpuItCannotUseStopsWithExitFourAndSaysWhatItFound() {
    ProcessRunner.Result r = image.runEntrypoint(List.of("run", "/data/job-1.yaml", "--workspace-root", "/tmp/ws1"), 300);
    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isEqualTo(4);
    assertThat(r.stderr()).contains("given 1 GPU (spec.resources.gpus)", "flavour cu128", "CUDA runtime 12.6", "driver none",
        "0 CUDA device(s)", "CUDA error 35");
    assertThat(r.stdout()).doesNotContain("epoch 1");
  }
}
