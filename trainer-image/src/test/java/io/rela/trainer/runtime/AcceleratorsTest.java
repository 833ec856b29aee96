package io.rela.trainer.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.rela.trainer.BadInputException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which devices a stage gets, and why it stops instead of training on the CPU. */
class AcceleratorsTest {

  static final EngineReport CPU_BUILD = new EngineReport("PyTorch", "2.7.1", "cpu", "/x/2.7.1-20250812-cpu-linux-x86_64",
      null, null, 0, null);
  static final EngineReport NO_DRIVER = new EngineReport("PyTorch", "2.7.1", "cu128", "/opt/libtorch/torch/lib",
      "12.6", "none", 0, "CUDA driver version is insufficient for CUDA runtime version (CUDA error 35)");
  static final EngineReport ONE_GPU = new EngineReport("PyTorch", "2.7.1", "cu128", "/opt/libtorch/torch/lib",
      "12.6", "12.8", 1, null);
  static final EngineReport TWO_GPUS = new EngineReport("PyTorch", "2.7.1", "cu128", "/opt/libtorch/torch/lib",
      "12.6", "12.8", 2, null);

  @Test
  void noGpuGivenRunsOnTheCpuWhateverTheEngine() {
    for (EngineReport e : List.of(CPU_BUILD, NO_DRIVER, TWO_GPUS)) {
      assertThat(Accelerators.select(0, e, d -> "never tried")).containsExactly(Device.cpu());
    }
  }

  @Test
  void gpusGivenToACpuBuildStopAndNameTheImage() {
    assertThatThrownBy(() -> Accelerators.select(1, CPU_BUILD, d -> null))
        .isInstanceOf(GpuUnavailableException.class)
        .hasMessageContaining("given 1 GPU (spec.resources.gpus)")
        .hasMessageContaining("no CUDA build").hasMessageContaining("flavour cpu").hasMessageContaining("-cuda image");
  }

  @Test
  void gpusGivenWithoutADriverStopWithTheCudaError() {
    assertThatThrownBy(() -> Accelerators.select(2, NO_DRIVER, d -> null))
        .isInstanceOf(GpuUnavailableException.class)
        .hasMessageContaining("given 2 GPUs").hasMessageContaining("sees 0")
        .hasMessageContaining("CUDA runtime 12.6, driver none").hasMessageContaining("CUDA error 35")
        .hasMessageContaining("NVIDIA driver, container runtime and device plugin");
  }

  @Test
  void fewerDevicesThanGivenStop() {
    assertThatThrownBy(() -> Accelerators.select(2, ONE_GPU, d -> null))
        .isInstanceOf(GpuUnavailableException.class).hasMessageContaining("sees 1");
  }

  @Test
  void exactlyTheGivenGpusAreUsedEachTriedOnce() {
    List<Device> tried = new ArrayList<>();
    assertThat(Accelerators.select(1, TWO_GPUS, d -> {
      tried.add(d);
      return null;
    })).containsExactly(Device.gpu(0));
    assertThat(tried).containsExactly(Device.gpu(0));
    assertThat(Accelerators.select(2, TWO_GPUS, d -> null)).containsExactly(Device.gpu(0), Device.gpu(1));
  }

  @Test
  void aCudaErrorAtStartStopsNamingTheDevice() {
    assertThatThrownBy(() -> Accelerators.select(2, TWO_GPUS, d -> d.getDeviceId() == 1 ? "CUDA error: no kernel image is available" : null))
        .isInstanceOf(GpuUnavailableException.class)
        .hasMessageContaining("gpu(1) fails at start: CUDA error: no kernel image is available");
  }

  @ParameterizedTest
  @CsvSource({"'', 3, 3", "0, 3, 0", "1, 0, 1", "' 2 ', 0, 2"})
  void theOperatorsGpuCountOverridesTheSpec(String env, int spec, int expected) {
    assertThat(Accelerators.requested(env, spec)).isEqualTo(expected);
  }

  @Test
  void aMalformedGpuCountIsBadInput() {
    assertThatThrownBy(() -> Accelerators.requested("-1", 0)).isInstanceOf(BadInputException.class).hasMessageContaining("RELA_GPUS");
    assertThatThrownBy(() -> Accelerators.requested("two", 0)).isInstanceOf(BadInputException.class);
  }

  @ParameterizedTest
  @CsvSource({"'', /c/pytorch/2.7.1-20250812-cpu-linux-x86_64, cpu", "'', /c/pytorch/2.7.1-cu128-linux-x86_64, cu128",
      "cu128, /opt/libtorch/torch/lib, cu128", "'', /opt/libtorch/torch/lib, unknown"})
  void theFlavourComesFromDjlsSettingOrItsFolder(String env, String dir, String flavour) {
    assertThat(EngineReport.flavor(env, dir)).isEqualTo(flavour);
  }

  @Test
  void cudaVersionsReadAsMajorDotMinor() {
    assertThat(EngineReport.version(12060)).isEqualTo("12.6");
    assertThat(EngineReport.version(12080)).isEqualTo("12.8");
  }

  @Test
  void theProbeOfThisProcessIsConsistent() {
    EngineReport r = EngineReport.probe();
    assertThat(r.engine()).isEqualTo("PyTorch");
    assertThat(r.describe()).contains("engine: PyTorch", "flavour: ", "cuda build: ", "cuda devices: ");
    if (!r.cudaBuild()) {
      assertThat(r.devices()).isZero();
    }
  }
}
