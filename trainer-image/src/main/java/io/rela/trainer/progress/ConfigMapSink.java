package io.rela.trainer.progress;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.rela.api.contract.ProgressReport;
import java.time.Duration;
import java.util.Map;

/**
 * The in-cluster sink: merge-patches the job's {@code <job>-progress} ConfigMap, which the
 * operator watches and copies into the ReLATrainingJob's status.
 *
 * <p>Training never waits for the API server: {@link #report} only hands the newest report to
 * a writer thread (one report is held, newer ones replace it, so memory stays bounded). The
 * writer sends at most one report per interval, at once for epoch ends, stage changes and
 * results, and backs off (1 s doubling to 30 s) while the API server is away. {@link #close}
 * writes what is left with retries; when that holds the run's results and they cannot be
 * written, it throws, so the evaluation pod fails rather than ending with results nobody sees.
 */
public final class ConfigMapSink implements ProgressSink {

  public static final long DEFAULT_INTERVAL_MS = 3_000;
  public static final Duration DEFAULT_FINAL_TIMEOUT = Duration.ofMinutes(2);
  private static final long FIRST_BACKOFF_MS = 1_000;
  private static final long MAX_BACKOFF_MS = 30_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Sends one report; throws when it could not. */
  @FunctionalInterface
  public interface Writer {
    void write(ProgressReport report) throws Exception;
  }

  /** The results could not be written before the final timeout. */
  public static final class FinalWriteException extends RuntimeException {
    FinalWriteException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final Writer writer;
  private final String target;
  private final long intervalMs;
  private final Duration finalTimeout;
  private final Object lock = new Object();
  private final Thread thread;
  private ProgressReport pending;
  private boolean urgent;
  private io.rela.api.contract.TrainerStage lastStage;
  private long lastWrite = Long.MIN_VALUE / 2;
  private long backoffMs;
  private boolean closing;
  private int writes;
  private int failures;
  private boolean sending;

  public ConfigMapSink(KubernetesClient client, String namespace, String name) {
    this(client, namespace, name, DEFAULT_INTERVAL_MS, DEFAULT_FINAL_TIMEOUT);
  }

  public ConfigMapSink(KubernetesClient client, String namespace, String name, long intervalMs, Duration finalTimeout) {
    this(r -> patch(client, namespace, name, r), namespace + "/" + name, intervalMs, finalTimeout);
  }

  public ConfigMapSink(Writer writer, String target, long intervalMs, Duration finalTimeout) {
    this.writer = writer;
    this.target = target;
    this.intervalMs = intervalMs;
    this.finalTimeout = finalTimeout;
    this.thread = new Thread(this::run, "progress-configmap-writer");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private static void patch(KubernetesClient client, String namespace, String name, ProgressReport r) throws Exception {
    String body = JSON.writeValueAsString(Map.of("data", Map.of(ProgressReport.CONFIG_MAP_KEY, JSON.writeValueAsString(r))));
    client.configMaps().inNamespace(namespace).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), body);
  }

  @Override
  public void report(ProgressReport r) {
    synchronized (lock) {
      boolean important = Boolean.TRUE.equals(r.epochEnd) || r.linearProbeAccuracy != null
          || (r.stage != null && r.stage != lastStage);
      lastStage = r.stage;
      pending = r;
      urgent |= important;
      lock.notifyAll();
    }
  }

  private void run() {
    while (true) {
      ProgressReport r;
      synchronized (lock) {
        try {
          for (long wait = waitMillis(); !closing && (pending == null || wait > 0); wait = waitMillis()) {
            lock.wait(pending == null ? 0 : wait);
          }
        } catch (InterruptedException e) {
          return;
        }
        if (closing) {
          return; // close() writes what is left
        }
        r = pending;
        pending = null;
        urgent = false;
        sending = true;
      }
      boolean ok = send(r);
      synchronized (lock) {
        sending = false;
        lastWrite = System.currentTimeMillis();
        if (!ok && pending == null) {
          pending = r; // nothing newer came: this one goes again after the backoff
        }
        lock.notifyAll();
      }
    }
  }

  /**
   * How long the pending report must still wait (held under the lock): the backoff after a
   * failure, else nothing for an urgent report, else the rest of the interval.
   */
  private long waitMillis() {
    if (pending == null) {
      return 0;
    }
    long now = System.currentTimeMillis();
    return backoffMs > 0 ? lastWrite + backoffMs - now : urgent ? 0 : lastWrite + intervalMs - now;
  }

  private boolean send(ProgressReport r) {
    try {
      writer.write(r);
      synchronized (lock) {
        if (failures > 0) {
          System.err.println("progress: ConfigMap " + target + " writable again after " + failures + " failed write(s)");
        }
        writes++;
        failures = 0;
        backoffMs = 0;
      }
      return true;
    } catch (Exception e) {
      synchronized (lock) {
        failures++;
        backoffMs = backoffMs == 0 ? FIRST_BACKOFF_MS : Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        if (failures == 1 || Long.bitCount(failures) == 1) {
          System.err.println("warning: cannot update ConfigMap " + target + " (" + e.getMessage() + "); training goes on,"
              + " retrying in " + backoffMs / 1000 + " s");
        }
      }
      return false;
    }
  }

  /** Reports written so far (for tests and logs). */
  public int writes() {
    synchronized (lock) {
      return writes;
    }
  }

  @Override
  public void close() {
    ProgressReport last;
    synchronized (lock) {
      closing = true;
      lock.notifyAll();
      while (sending) {
        try {
          lock.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      last = pending;
      pending = null;
    }
    thread.interrupt();
    if (last == null) {
      return;
    }
    long deadline = System.nanoTime() + finalTimeout.toNanos();
    long backoff = FIRST_BACKOFF_MS / 2;
    Exception lastError = null;
    while (true) {
      try {
        writer.write(last);
        synchronized (lock) {
          writes++;
        }
        return;
      } catch (Exception e) {
        lastError = e;
      }
      if (System.nanoTime() + backoff * 1_000_000 > deadline) {
        break;
      }
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    }
    String what = "cannot write the final progress to ConfigMap " + target + " within " + finalTimeout.toSeconds() + " s: "
        + (lastError == null ? "interrupted" : lastError.getMessage());
    if (last.linearProbeAccuracy != null) {
      throw new FinalWriteException(what + "; the results are in the workspace's report, but the job's status cannot show them",
          lastError);
    }
    System.err.println("warning: " + what);
  }
}
