package io.rela.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
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
      "137, OOMKilled, , OOMKilled, BackoffLimitExceeded",
      "1, Error, failed: java.lang.IllegalStateException, StageJobFailed, BackoffLimitExceeded"})
  void theReasonNamesWhatEndedThePod(int exit, String podReason, String message, String expected, String jobReason) {
    StageState s = StageState.of(failedJob(jobReason), List.of(terminated(exit, podReason, message)));
    assertThat(s.is(StageState.Phase.FAILED)).isTrue();
    assertThat(s.reason()).isEqualTo(expected);
    assertThat(s.message()).contains("demo-train-x7k2p").contains("exit code " + exit).contains("kubectl logs -n ml job/demo-train");
    if (message != null) {
      assertThat(s.message()).contains(message);
    }
  }
}
