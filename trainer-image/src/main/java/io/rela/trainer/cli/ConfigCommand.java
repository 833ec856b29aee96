package io.rela.trainer.cli;

import io.rela.api.contract.Mounts;
import io.rela.api.contract.TrainerConfig;
import io.rela.trainer.Workspace;
import io.rela.trainer.config.JobFiles;
import io.rela.trainer.config.JobSettings;
import io.rela.trainer.progress.Progress;
import io.rela.trainer.progress.ProgressSink;
import io.rela.trainer.train.Stages;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The cluster stages: each reads the config the operator rendered. */
abstract class ConfigCommand implements Callable<Integer> {

  @Option(names = "--config", description = "Trainer config rendered by the operator. Default: ${DEFAULT-VALUE}.")
  Path config = Path.of(Mounts.CONFIG, TrainerConfig.CONFIG_MAP_KEY);

  @Mixin
  CommonOptions common;

  /** The in-cluster progress ConfigMap sink, when the config names one. */
  static ProgressSink clusterSink(TrainerConfig cfg) {
    if (cfg.progressConfigMap == null || cfg.progressConfigMap.isBlank()) {
      return null;
    }
    // no client-side retries: the sink backs off itself, on its own thread, and an attempt
    // against an unreachable API server gives up within seconds
    var config = new io.fabric8.kubernetes.client.ConfigBuilder().withRequestRetryBackoffLimit(0)
        .withConnectionTimeout(5_000).withRequestTimeout(10_000).build();
    var client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config).build();
    return new io.rela.trainer.progress.ConfigMapSink(client, cfg.namespace, cfg.progressConfigMap);
  }

  @Override
  public Integer call() throws Exception {
    TrainerConfig cfg = JobFiles.readConfig(config);
    JobSettings s = JobSettings.from(cfg.jobName, cfg.jobUid, cfg.spec);
    Workspace ws = new Workspace(Path.of(cfg.workspaceDir),
        cfg.priorCacheDir != null ? Path.of(cfg.priorCacheDir) : Mounts.priorCacheIn(Path.of(cfg.workspaceDir)));
    Path priorCkpt = cfg.priorCheckpoint == null ? null : Path.of(cfg.priorCheckpoint);
    String where = cfg.workspaceClaim != null ? "workspace claim " + cfg.workspaceClaim + " (" + cfg.workspaceDir + ")"
        : "workspace " + cfg.workspaceDir;
    boolean track = tracked() && s.tracking() != null;
    if (track) {
      // the run record lives in the workspace: it must be this run's before the tracker reads or writes it
      io.rela.trainer.checkpoint.RunIdentity.of(s).claim(ws.root(), where, false, System.out::println);
    }
    try (Progress progress = common.progress(cfg.jobName, ws, cfg.metricsPort, clusterSink(cfg),
        track ? io.rela.trainer.tracking.Tracking.open(s, cfg.namespace, ws.root(), false, System.out) : null);
        Stages stages = new Stages(s, ws, priorCkpt, progress, System.out, common.skipUnreadable)) {
      return run(stages.withPriorJobUid(cfg.priorJobUid).workspace(where, false), s);
    }
  }

  abstract int run(Stages stages, JobSettings settings) throws Exception;

  /** Whether this stage reports to the experiment tracker (training and evaluation do; they own the workspace). */
  boolean tracked() {
    return true;
  }
}
