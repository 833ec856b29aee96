package io.rela.trainer.cli;

import io.rela.trainer.Workspace;
import io.rela.trainer.progress.ConsoleSink;
import io.rela.trainer.progress.JsonLinesSink;
import io.rela.trainer.progress.Progress;
import io.rela.trainer.progress.ProgressSink;
import io.rela.trainer.progress.PrometheusSink;
import picocli.CommandLine.Option;

/** Options every command takes: where progress goes. */
final class CommonOptions {

  @Option(names = "--metrics-port", description = "Serve Prometheus metrics on this port (0: off). Default: ${DEFAULT-VALUE}.")
  int metricsPort = 0;

  @Option(names = "--skip-unreadable-images", description = "Skip (and count) ImageFolder files that cannot be decoded instead of failing.")
  boolean skipUnreadable;

  @Option(names = "--quiet", description = "No console progress.")
  boolean quiet;

  /** Console, JSON-lines and (when asked) Prometheus sinks, plus any extra sink. */
  Progress progress(String job, Workspace ws, Integer configuredPort, ProgressSink extra) {
    return progress(job, ws, configuredPort, extra, null);
  }

  /** As {@link #progress(String, Workspace, Integer, ProgressSink)}, and the experiment tracker when there is one. */
  Progress progress(String job, Workspace ws, Integer configuredPort, ProgressSink extra, ProgressSink tracker) {
    Progress p = new Progress();
    if (!quiet) {
      p.add(new ConsoleSink(System.out));
    }
    try {
      p.add(new JsonLinesSink(ws.progressLog()));
    } catch (java.io.UncheckedIOException e) {
      // embedding pods see the job's workspace read-only and write only the shared cache
      System.out.println("workspace " + ws.root() + " is not writable here (" + e.getCause().getMessage() + "): no progress log in it");
    }
    int port = metricsPort != 0 ? metricsPort : (configuredPort == null ? 0 : configuredPort);
    if (port > 0) {
      PrometheusSink prom = new PrometheusSink(job, port);
      System.out.println("metrics on http://0.0.0.0:" + prom.port() + "/metrics");
      p.add(prom);
    }
    if (tracker != null) {
      // before the ConfigMap sink: every report it writes carries the tracker's run and health
      p.add(tracker);
    }
    if (extra != null) {
      p.add(extra);
    }
    return p;
  }
}
