package io.rela.trainer.cli.bench;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rela.api.spec.Backbone;
import io.rela.trainer.augment.Augmentation;
import io.rela.trainer.augment.AugmentationParams;
import io.rela.trainer.data.Batch;
import io.rela.trainer.data.BatchLoader;
import io.rela.trainer.data.IdxDataset;
import io.rela.trainer.data.ImageDataset;
import io.rela.trainer.data.Preprocess;
import io.rela.trainer.data.Split;
import io.rela.trainer.model.Backbones;
import io.rela.trainer.model.BatchedForward;
import io.rela.trainer.model.Networks;
import io.rela.trainer.prior.BackbonePrior;
import io.rela.trainer.prior.PriorModel;
import io.rela.trainer.rela.SubsetSampler;
import io.rela.trainer.rela.TargetReducer;
import io.rela.trainer.train.ByolPhase;
import io.rela.trainer.train.Learner;
import io.rela.trainer.train.ReLAPhase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Step throughput on Fashion-MNIST, measured like the PyTorch reference benchmark: BYOL and
 * ReLA steps on batches augmented in advance (compute only), and the ReLA step fed by the
 * augmentation workers (the full pipeline); then the prior's embedding pass. Prints samples/s
 * (images; two views each in the steps).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure BYOL and ReLA step throughput.")
public final class BenchCommand implements Callable<Integer> {

  @Option(names = "--data", description = "Fashion-MNIST folder. Default: ${DEFAULT-VALUE}.")
  Path data = Path.of("/usr/share/datasets/fashion-mnist");

  @Option(names = "--backbone", description = "convnet4, resnet18 or resnet50. Default: ${DEFAULT-VALUE}.")
  String backbone = "convnet4";

  @Option(names = "--batch", description = "Batch size. Default: ${DEFAULT-VALUE}.")
  int batch = 128;

  @Option(names = "--steps", description = "Timed steps per measurement. Default: ${DEFAULT-VALUE}.")
  int steps = 7;

  @Option(names = "--rounds", description = "Alternating rounds of (BYOL, ReLA). Default: ${DEFAULT-VALUE}.")
  int rounds = 3;

  @Option(names = "--workers", description = "Augmentation workers for the pipeline measurement. Default: ${DEFAULT-VALUE}.")
  int workers = 2;

  @Option(names = "--prior-samples", description = "Images the prior embeds in the embedding-pass measurement. "
      + "Default: 1024 for resnet18/resnet50, 8192 for convnet4 (as the PyTorch reference).")
  Integer priorSamples;

  @Option(names = "--json", description = "Also write the raw numbers here.")
  Path json;

  @Override
  public Integer call() throws Exception {
    Backbone b = Backbone.valueOf(backbone.toUpperCase());
    ImageDataset ds = IdxDataset.open(data, Split.TRAIN).limit(8192);
    int d = Backbones.featureDim(b);
    float[] y = new float[ds.size() * d];
    SplittableRandom rnd = new SplittableRandom(0);
    for (int i = 0; i < y.length; i++) {
      y[i] = (float) rnd.nextGaussian();
    }
    TargetReducer.Targets targets = TargetReducer.Targets.of(y, d);
    float[] mean = {0.2860f};
    float[] std = {0.3530f};
    Augmentation relaAug = new Augmentation(AugmentationParams.rela(), 28, mean, std);
    Map<String, List<Double>> results = new LinkedHashMap<>();
    try (NDManager m = NDManager.newBaseManager();
        // the learner as training assembles it, on one device
        Learner learner = Learner.assemble(m, new Learner.Config(new Networks.Architecture(b, true, 1, 28), 2 * d, 256, d,
            10, false, 0, 1e-3, 0.01, 0.99, true), targets, List.of(), null);
        BatchLoader loader = new BatchLoader(ds, 28, workers, 0)) {
      ReLAPhase rela = learner.rela;
      ByolPhase byol = learner.byol;
      int[] order = new SubsetSampler(ds.size(), 1.0, 0).draw(0);
      List<Batch> fixed = new ArrayList<>();
      Iterator<Batch> it = loader.epoch(0, order, batch, 0, relaAug, relaAug);
      for (int i = 0; i < 4; i++) {
        fixed.add(it.next());
      }
      // warm-up: first calls pay for allocator growth and kernel selection
      for (int i = 0; i < 2; i++) {
        rela.step(fixed.get(i));
        byol.step(fixed.get(i));
      }
      for (int round = 0; round < rounds; round++) {
        results.computeIfAbsent("byol_step", k -> new ArrayList<>()).add(time(s -> byol.step(fixed.get(s % fixed.size()))));
        results.computeIfAbsent("rela_step", k -> new ArrayList<>()).add(time(s -> rela.step(fixed.get(s % fixed.size()))));
        int epoch = round + 1;
        Iterator<Batch> live = loader.epoch(epoch, order, batch, 0, relaAug, relaAug);
        long t0 = System.nanoTime();
        for (int s = 0; s < steps; s++) {
          rela.step(live.next());
        }
        results.computeIfAbsent("rela_step_with_augmentation", k -> new ArrayList<>())
            .add(steps * (double) batch / ((System.nanoTime() - t0) / 1e9));
      }
      results.put("prior_embed", embedPass(m, b, ds, mean, std));
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("backbone", backbone);
    summary.put("batch", batch);
    summary.put("threads", System.getenv().getOrDefault("OMP_NUM_THREADS", "default"));
    for (var e : results.entrySet()) {
      double[] v = e.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
      double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
      summary.put(e.getKey() + "_samples_per_s_median", round(median));
      summary.put(e.getKey() + "_samples_per_s_min", round(v[0]));
      summary.put(e.getKey() + "_samples_per_s_max", round(v[v.length - 1]));
      System.out.printf("%-30s median %8.1f samples/s  (min %.1f, max %.1f, %d rounds)%n", e.getKey(), median, v[0],
          v[v.length - 1], v.length);
    }
    if (json != null) {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), summary);
    }
    return 0;
  }

  /**
   * (c) The embedding pass: a Random prior (eval mode, no gradient) over the first N images
   * with the deterministic preprocessing; per-batch samples/s after one warm-up batch.
   */
  private List<Double> embedPass(NDManager m, Backbone b, ImageDataset ds, float[] mean, float[] std) {
    int n = Math.min(ds.size(), priorSamples != null ? priorSamples : (b == Backbone.CONVNET4 ? 8192 : 1024));
    Preprocess pre = new Preprocess(28, 1, mean, std);
    List<Double> perBatch = new ArrayList<>();
    try (PriorModel prior = BackbonePrior.studentInit(m, new Networks.Architecture(b, true, 1, 28), 0, pre)) {
      // the pass itself (preprocessing and forward), timed between batches; the first batch warms up
      long[] last = {System.nanoTime()};
      BatchedForward.run(m, ds, pre, 0, n, batch, prior::embed, (first, rows, count, d) -> {
        long now = System.nanoTime();
        if (first > 0) {
          perBatch.add(count / ((now - last[0]) / 1e9));
        }
        last[0] = now;
      });
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return perBatch;
  }

  private double time(java.util.function.IntConsumer step) {
    long t0 = System.nanoTime();
    for (int s = 0; s < steps; s++) {
      step.accept(s);
    }
    return steps * (double) batch / ((System.nanoTime() - t0) / 1e9);
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
