package io.rela.trainer.progress;

import io.rela.api.contract.ProgressReport;

/** Somewhere progress goes: the console, a JSON-lines file, Prometheus, the progress ConfigMap. */
public interface ProgressSink extends AutoCloseable {

  /** Called after every optimiser step and at every epoch end; sinks rate-limit themselves. */
  void report(ProgressReport report);

  @Override
  default void close() {}
}
