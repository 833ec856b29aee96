package io.rela.trainer.progress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.rela.api.contract.ProgressReport;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The in-cluster sink: merge-patches the job's {@code <job>-progress} ConfigMap, which the
 * operator watches and copies into the ReLATrainingJob's status. At most one write per
 * interval, plus every epoch end, stage change and result, so a fast trainer does not load
 * the API server.
 */
public final class ConfigMapSink implements ProgressSink {

  public static final long DEFAULT_INTERVAL_MS = 3_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final long intervalMs;
  private final LongSupplier clock;
  private long lastWrite = Long.MIN_VALUE / 2;
  private String lastStage;
  private ProgressReport pending;
  private int writes;

  public ConfigMapSink(KubernetesClient client, String namespace, String name, long intervalMs, LongSupplier clock) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.intervalMs = intervalMs;
    this.clock = clock;
  }

  @Override
  public synchronized void report(ProgressReport r) {
    long now = clock.getAsLong();
    boolean important = Boolean.TRUE.equals(r.epochEnd) || r.linearProbeAccuracy != null
        || (r.stage != null && !r.stage.equals(lastStage));
    lastStage = r.stage;
    if (!important && now - lastWrite < intervalMs) {
      pending = r;
      return;
    }
    write(r, now);
  }

  private void write(ProgressReport r, long now) {
    try {
      String body = JSON.writeValueAsString(Map.of("data", Map.of(ProgressReport.CONFIG_MAP_KEY, JSON.writeValueAsString(r))));
      client.configMaps().inNamespace(namespace).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), body);
      lastWrite = now;
      pending = null;
      writes++;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    } catch (RuntimeException e) {
      // progress is best effort: training must not stop because the API server is briefly away
      System.err.println("warning: cannot update ConfigMap " + namespace + "/" + name + ": " + e.getMessage());
    }
  }

  /** Writes made so far (for tests and logs). */
  public synchronized int writes() {
    return writes;
  }

  @Override
  public synchronized void close() {
    if (pending != null) {
      write(pending, clock.getAsLong());
    }
  }
}
