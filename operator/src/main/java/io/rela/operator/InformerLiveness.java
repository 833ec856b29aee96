package io.rela.operator;

import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Fails the liveness probe when an informer that had synced has stopped for good (a watch that
 * ended with an error it does not retry), so the kubelet restarts the operator instead of leaving
 * it NotReady with every namespace unserved. An informer that never started (a standby replica
 * waiting for the leader lease) is not a failure.
 */
@Liveness
@ApplicationScoped
public class InformerLiveness implements HealthCheck {

  @Inject
  Operator operator;

  @Override
  public HealthCheckResponse call() {
    List<String> stopped = new ArrayList<>();
    var info = operator.getRuntimeInfo();
    for (var byController : info.unhealthyInformerWrappingEventSourceHealthIndicator().entrySet()) {
      for (var source : byController.getValue().entrySet()) {
        Map<String, InformerHealthIndicator> informers = source.getValue().informerHealthIndicators();
        for (Map.Entry<String, InformerHealthIndicator> i : informers.entrySet()) {
          if (stoppedForGood(i.getValue())) {
            stopped.add(byController.getKey() + "/" + source.getKey() + " (namespace " + i.getKey() + ")");
          }
        }
      }
    }
    return HealthCheckResponse.named("informers").status(stopped.isEmpty())
        .withData("stopped", String.join(", ", stopped)).build();
  }

  /** Synced once, no longer running: its watch will not come back by itself. */
  static boolean stoppedForGood(InformerHealthIndicator i) {
    return i.hasSynced() && !i.isRunning();
  }
}
