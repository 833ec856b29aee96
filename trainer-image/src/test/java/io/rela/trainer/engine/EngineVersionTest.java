package io.rela.trainer.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

/**
 * The tests run on the libtorch they were pointed at: DJL's bundled one by default, or the one
 * PYTORCH_LIBRARY_PATH and PYTORCH_VERSION name ({@code make test-trainer-torch211}), so a
 * silent fallback to the bundled natives cannot pass for a run on another release.
 */
class EngineVersionTest {

  @Test
  void runsOnTheRequestedLibtorch() {
    Engine engine = Engine.getInstance();
    assertThat(engine.getEngineName()).isEqualTo("PyTorch");
    String requested = System.getenv("PYTORCH_VERSION");
    System.out.println("engine: PyTorch " + engine.getVersion() + (requested == null ? " (bundled)" : " (requested " + requested + ")"));
    if (requested != null) {
      assertThat(engine.getVersion()).isEqualTo(requested);
      assertThat(System.getenv("PYTORCH_LIBRARY_PATH")).isNotBlank();
    }
  }
}
