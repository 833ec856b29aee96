package io.rela.trainer.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.rela.testinfra.ImageTarball;
import io.rela.testinfra.ProcessRunner;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer image as built by `make images`: unpacked and its entrypoint run inside it. */
class TrainerImageIT {

  @TempDir
  static Path dir;

  static ImageTarball image;

  @BeforeAll
  static void unpack() throws Exception {
    image = ImageTarball.unpack(Path.of("target", "jib-image.tar"), dir);
  }

  @Test
  void runsAsANonRootUserWithCachesOnTmp() {
    String user = image.config().path("User").asText();
    assertThat(user).isNotEmpty();
    assertThat(Integer.parseInt(user.split(":")[0])).as("uid").isPositive();
    assertThat(image.config().path("Env").toString()).contains("HOME=/tmp", "DJL_CACHE_DIR=/tmp/djl");
    assertThat(image.entrypoint()).contains("io.rela.trainer.cli.TrainerCli", "-Dai.djl.offline=true");
  }

  @Test
  void entrypointHelpListsTheStageCommands() {
    ProcessRunner.Result r = image.runEntrypoint(List.of("--help"), 120).assertSuccess();
    assertThat(r.stdout()).contains("Usage: rela-trainer");
    for (String command : List.of("embed", "train", "eval", "run")) {
      assertThat(r.stdout()).containsPattern("(?m)^\\s+" + command + "\\s");
    }
  }

  /** The image carries libjpeg-turbo and its Java binding, so 224 px JPEG datasets do not decode with ImageIO. */
  @Test
  void decodesJpegsWithLibjpegTurbo() {
    ProcessRunner.Result r = image.runEntrypoint(List.of("env"), 120).assertSuccess();
    assertThat(r.stdout()).contains("engine: PyTorch").contains("jpeg decoder: libjpeg-turbo");
  }

  @Test
  void aMissingConfigStopsWithExitCodeTwoNamingTheFile() {
    ProcessRunner.Result r = image.runEntrypoint(List.of("train", "--config", "/etc/rela/missing.yaml"), 120);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stdout() + r.stderr()).contains("/etc/rela/missing.yaml");
  }
}
