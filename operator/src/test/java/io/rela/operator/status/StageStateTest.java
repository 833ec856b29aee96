package io.rela.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A failed stage's reason follows how its last pod ended. */
class StageStateTest {

  private static Job failedJob(String jobReason) {
    return new JobBuilder().withNewMetadata().withName("demo-train").withNamespace("ml").endMetadata()
        .withNewSpec().endSpec()
        .withNewStatus().addNewCondition().withType("Failed").withStatus("True").withReason(jobReason)
        .withMessage("the Job failed").endCondition().endStatus().build();
  }

  private static Pod terminated(int exitCode, String reason, String message) {
    return new PodBuilder().withNewMetadata().withName("demo-train-x7k2p").endMetadata()
        .withNewStatus().addNewContainerStatus().withName("trainer").withNewState().withNewTerminated()
        .withExitCode(exitCode).withReason(reason).withMessage(message).withFinishedAt("2026-12-01T00:00:00Z")
        .endTerminated().endState().endContainerStatus().endStatus().build();
  }

  @ParameterizedTest(name = "exit {0} ({1}) -> {3}")
  @CsvSource({
      "2, Error, error: spec.dataset.path: /data/x does not exist, InvalidInput, PodFailurePolicy",
      "3, Error, error: non-finite loss (NaN) in the ReLA phase at epoch 4, NonFiniteLoss, PodFailurePolicy",
      "4, Error, error: this trainer was given 1 GPU (spec.resources.gpus) but the CUDA runtime sees 0, GPUUnavailable, PodFailurePolicy",
      "5, Error, error: cannot push the model image reg.example/m:v1 (spec.export.image): 401 Unauthorized, ModelPushFailed, PodFailurePolicy",
      "137, OOMKilled, , OOMKilled, BackoffLimitExceeded",
      "1, Error, failed: java.lang.IllegalStateException, StageJobFailed, BackoffLimitExceeded"})
  void theReasonNamesWhatEndedThePod(int exit, String podReason, String message, String expected, String jobReason) {
    StageState s = StageState.of(failedJob(jobReason), List.of(terminated(exit, podReason, message)), T0, Duration.ofMinutes(5));
    assertThat(s.is(StageState.Phase.FAILED)).isTrue();
    assertThat(s.reason()).isEqualTo(expected);
    assertThat(s.message()).contains("demo-train-x7k2p").contains("exit code " + exit).contains("kubectl logs -n ml job/demo-train");
    if (message != null) {
      assertThat(s.message()).contains(message);
    }
    if (exit == 4) {
      assertThat(s.message()).contains("does not fall back to the CPU", "device plugin", "-cuda trainer image", "rela.io/retry");
    }
  }

  private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

  private static Job runningJob() {
    return new JobBuilder().withNewMetadata().withName("demo-train").withNamespace("ml").endMetadata()
        .withNewSpec().withSuspend(false).endSpec().withNewStatus().withActive(1).endStatus().build();
  }

  private static Pod waiting(String reason) {
    return new PodBuilder().withNewMetadata().withName("demo-train-x7k2p").withCreationTimestamp(T0.toString()).endMetadata()
        .withNewStatus().withStartTime(T0.toString()).addNewContainerStatus().withName("trainer").withImage("rela/trainer:nope")
        .withNewState().withNewWaiting().withReason(reason).withMessage("not found").endWaiting().endState()
        .endContainerStatus().endStatus().build();
  }

  @ParameterizedTest(name = "{0} after {1} s of a {2} s grace -> {3}")
  @CsvSource({
      "ErrImagePull, 10, 300, STALLED, ImagePullFailed",
      "ImagePullBackOff, 299, 300, STALLED, ImagePullFailed",
      "ImagePullBackOff, 300, 300, FAILED, ImagePullFailed",
      "CreateContainerConfigError, 61, 60, FAILED, ContainerConfigError",
      "CreateContainerConfigError, 0, 60, STALLED, ContainerConfigError"})
  void aPodThatCannotStartIsAConditionUntilTheGracePeriodEnds(String waitingReason, long after, long grace, StageState.Phase phase,
      String reason) {
    StageState s = StageState.of(runningJob(), List.of(waiting(waitingReason)), T0.plusSeconds(after), Duration.ofSeconds(grace));
    assertThat(s.phase()).isEqualTo(phase);
    assertThat(s.reason()).isEqualTo(reason);
    assertThat(s.message()).contains("demo-train-x7k2p").contains(waitingReason).contains("spec.imagePullGracePeriodSeconds");
    if (phase == StageState.Phase.STALLED) {
      assertThat(s.recheckIn()).isEqualTo(Duration.ofSeconds(grace - after));
    }
  }

  @Test
  void anOomKillFailsTheStageAtOnceNamingThePodAndTheLimit() {
    Pod oom = new PodBuilder(terminated(137, "OOMKilled", null)).editMetadata().endMetadata()
        .withNewSpec().addNewContainer().withName("trainer").withNewResources().addToLimits("memory", new Quantity("512Mi"))
        .endResources().endContainer().endSpec().build();
    StageState s = StageState.of(runningJob(), List.of(oom), T0, Duration.ofMinutes(5));
    assertThat(s.phase()).isEqualTo(StageState.Phase.FAILED);
    assertThat(s.reason()).isEqualTo("OOMKilled");
    assertThat(s.message()).contains("demo-train-x7k2p").contains("512Mi").contains("kubectl logs -n ml demo-train-x7k2p")
        .contains("spec.resources.memory");
  }

  @Test
  void anUnschedulablePodIsAConditionCarryingTheSchedulersMessage() {
    Pod pending = new PodBuilder().withNewMetadata().withName("demo-train-x7k2p").endMetadata().withNewStatus().withPhase("Pending")
        .addNewCondition().withType("PodScheduled").withStatus("False").withReason("Unschedulable")
        .withMessage("0/1 nodes are available: 1 Insufficient nvidia.com/gpu.").endCondition().endStatus().build();
    StageState s = StageState.of(runningJob(), List.of(pending), T0, Duration.ofMinutes(5));
    assertThat(s.phase()).isEqualTo(StageState.Phase.STALLED);
    assertThat(s.reason()).isEqualTo("Unschedulable");
    assertThat(s.message()).contains("Insufficient nvidia.com/gpu");
    assertThat(s.recheckIn()).isNull();
  }

  @Test
  void aRunningPodIsActive() {
    assertThat(StageState.of(runningJob(), List.of(), T0, Duration.ofMinutes(5)).phase()).isEqualTo(StageState.Phase.ACTIVE);
  }
}
