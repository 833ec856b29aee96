package io.rela.trainer.cli.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.cuda.CudaUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rela.api.spec.Backbone;
import io.rela.trainer.data.Batch;
import io.rela.trainer.data.Preprocess;
import io.rela.trainer.model.Networks;
import io.rela.trainer.prior.BackbonePrior;
import io.rela.trainer.prior.PriorModel;
import io.rela.trainer.rela.TargetReducer;
import io.rela.trainer.train.ByolPhase;
import io.rela.trainer.train.Learner;
import io.rela.trainer.train.ReLAPhase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The trainer's BYOL step, ReLA step and prior embedding pass at ImageNet-like sizes on
 * synthetic data, measured the way {@code bench/gpu/byol_rela_step_gpu.py} measures PyTorch:
 * ResNet-50 at 224 px (batch 128) and ResNet-18 with the small-image stem at 32 px (batch
 * 512), median of per-step wall times after warm-up, each step ended by a device
 * synchronisation. The steps are the training code's own (phases, data parallel, AdamW, EMA),
 * so they include the copy of both views from host memory to the device, which the PyTorch
 * script does not pay (its data already sits on the device); that copy is timed separately.
 */
@Command(name = "bench-gpu", mixinStandardHelpOptions = true,
    description = "Step and embedding-pass throughput on synthetic data (GPU when there is one), for the PyTorch comparison.")
public final class GpuBenchCommand implements Callable<Integer> {

  /** One measured configuration, as the PyTorch script names it. */
  private record Config(String name, Backbone backbone, boolean smallStem, int size, int batch, int targetDim) {}

  private static final Map<String, Config> CONFIGS = Map.of(
      "resnet50_224", new Config("resnet50_224", Backbone.RESNET50, false, 224, 128, 512),
      "resnet18_small", new Config("resnet18_small", Backbone.RESNET18, true, 32, 512, 512));
  private static final int CLASSES = 1000;

  @Option(names = "--configs", description = "Comma-separated: resnet50_224, resnet18_small. Default: ${DEFAULT-VALUE}.")
  String configs = "resnet50_224,resnet18_small";

  @Option(names = "--batch", description = "0: each configuration's batch (128 at 224 px, 512 at 32 px).")
  int batch;

  @Option(names = "--warmup", description = "Untimed steps first. Default: ${DEFAULT-VALUE}.")
  int warmup = 5;

  @Option(names = "--steps", description = "Timed steps per measurement. Default: ${DEFAULT-VALUE}.")
  int steps = 20;

  @Option(names = "--quick", description = "Smoke test: batch 4, 1 warm-up step, 2 timed steps.")
  boolean quick;

  @Option(names = "--json", description = "Write the rows here.")
  Path json;

  @Override
  public Integer call() throws Exception {
    Device device = Engine.getInstance().getDevices()[0];
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
    info.put("device", device.toString());
    info.put("java", System.getProperty("java.version"));
    System.out.println(new ObjectMapper().writeValueAsString(info));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String name : configs.split(",")) {
      Config c = CONFIGS.get(name.trim());
      if (c == null) {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--configs: unknown " + name);
      }
      int b = quick ? 4 : batch > 0 ? batch : c.batch();
      rows.addAll(run(c, b, quick ? 1 : warmup, quick ? 2 : steps, device));
    }
    if (json != null) {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), Map.of("info", info, "rows", rows));
    }
    return 0;
  }

  private List<Map<String, Object>> run(Config c, int b, int warm, int timed, Device device) {
    Networks.Architecture arch = new Networks.Architecture(c.backbone(), c.smallStem(), 3, c.size());
    int d = arch.featureDim();
    List<Batch> pool = syntheticBatches(b, c.size(), 4);
    float[] table = gaussian(new SplittableRandom(1), (long) b * c.targetDim());
    TargetReducer.Targets targets = TargetReducer.Targets.of(table, c.targetDim());
    List<Map<String, Object>> rows = new ArrayList<>();
    try (NDManager m = NDManager.newBaseManager(device);
        // the learner as training assembles it, on this device
        Learner learner = Learner.assemble(m, new Learner.Config(arch, 2 * d, 256, c.targetDim(), CLASSES, false, 0, 1e-3,
            0.01, 0.99, true), targets, List.of(), null)) {
      Networks nets = learner.nets;
      ByolPhase byol = learner.byol;
      ReLAPhase rela = learner.rela;
      Parameter last = lastParameter(nets);
      int[] next = {0};
      rows.add(measure(c, b, "byol_step", warm, timed, device,
          () -> byol.step(pool.get(next[0]++ % pool.size())), () -> sync(last)));
      rows.add(measure(c, b, "rela_step", warm, timed, device,
          () -> rela.step(pool.get(next[0]++ % pool.size())), () -> sync(last)));
      // what the Java step pays and the PyTorch one does not: both views from host memory to the device
      rows.add(measure(c, b, "host_to_device_views", warm, timed, device, () -> {
        Batch x = pool.get(next[0]++ % pool.size());
        try (NDManager s = m.newSubManager()) {
          NDArray v1 = s.create(x.view1(), new Shape(b, 3, c.size(), c.size()));
          NDArray v2 = s.create(x.view2(), new Shape(b, 3, c.size(), c.size()));
          v1.add(v2).get(0).toFloatArray();
        }
      }, () -> { }));
      // the rand prior's pass: the student's initial backbone, frozen, eval mode, on a batch already on the device
      Preprocess pre = new Preprocess(c.size(), 3, new float[] {0, 0, 0}, new float[] {1, 1, 1});
      try (PriorModel prior = BackbonePrior.studentInit(m, arch, 0, pre); NDManager s = m.newSubManager()) {
        NDArray x = s.create(pool.get(0).view1(), new Shape(b, 3, c.size(), c.size()));
        rows.add(measure(c, b, "prior_embed", warm, timed, device, () -> {
          try (NDManager e = s.newSubManager()) {
            NDArray y = prior.embed(x);
            y.attach(e);
            y.get(0).get(0).toFloatArray();
          }
        }, () -> { }));
      }
    }
    return rows;
  }

  private Map<String, Object> measure(Config c, int b, String what, int warm, int timed, Device device, Runnable step,
      Runnable sync) {
    for (int i = 0; i < warm; i++) {
      step.run();
    }
    sync.run();
    double[] ms = new double[timed];
    for (int i = 0; i < timed; i++) {
      long t0 = System.nanoTime();
      step.run();
      sync.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    double[] sorted = ms.clone();
    java.util.Arrays.sort(sorted);
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("config", c.name());
    r.put("mode", "java-fp32");
    r.put("measure", what);
    r.put("batch", b);
    r.put("image_size", c.size());
    r.put("samples_per_s", round(b / (median / 1e3)));
    r.put("step_ms_median", round(median));
    r.put("step_ms_min", round(sorted[0]));
    r.put("step_ms_max", round(sorted[n - 1]));
    r.put("timed_steps", timed);
    r.put("warmup_steps", warm);
    if (device.isGpu()) {
      var mem = CudaUtils.getGpuMemory(device);
      r.put("gpu_mem_used_gib", round(mem.getCommitted() / Math.pow(2, 30)));
    }
    System.out.printf(Locale.ROOT, "%-15s %-9s %-20s %10.1f samples/s  (median %.1f ms, min %.1f, max %.1f)%n", c.name(),
        "java-fp32", what, b / (median / 1e3), median, sorted[0], sorted[n - 1]);
    return r;
  }

  /** Waits for every queued kernel: a value written by the step's last update read back to the host. */
  private static void sync(Parameter last) {
    last.getArray().flatten().get(0).toFloatArray();
  }

  private static Parameter lastParameter(Networks nets) {
    Parameter last = null;
    for (Parameter p : nets.trainable(List.of(Networks.CLASSIFIER)).values()) {
      last = p;
    }
    return last;
  }

  private static List<Batch> syntheticBatches(int b, int size, int count) {
    SplittableRandom rnd = new SplittableRandom(0);
    List<Batch> out = new ArrayList<>();
    long pixels = (long) b * 3 * size * size;
    for (int i = 0; i < count; i++) {
      int[] idx = new int[b];
      int[] labels = new int[b];
      for (int j = 0; j < b; j++) {
        idx[j] = j;
        labels[j] = rnd.nextInt(CLASSES);
      }
      out.add(new Batch(idx, gaussian(rnd, pixels), gaussian(rnd, pixels), labels));
    }
    return out;
  }

  private static float[] gaussian(SplittableRandom rnd, long n) {
    float[] v = new float[Math.toIntExact(n)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return v;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
