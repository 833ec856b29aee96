package io.rela.trainer.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.rela.api.contract.ExitCodes;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The devices a stage trains on: exactly the GPUs its pod was given, or the CPU when it was
 * given none. Given GPUs it cannot use, it stops ({@link GpuUnavailableException}) and says what
 * it expected and what it found; it never trains on the CPU instead.
 */
public final class Accelerators {

  private Accelerators() {}

  /**
   * The devices this process trains on: exactly the GPUs its pod was given ({@link ExitCodes#GPUS_ENV},
   * else spec.resources.gpus) or it stops, else the CPU; the first holds the model of record.
   * Says which, with the engine, and when the pod's GPUs are simulated.
   */
  public static List<Device> forThisProcess(int specGpus, PrintStream log) {
    List<Device> devices = select(requested(System.getenv(ExitCodes.GPUS_ENV), specGpus));
    String simulated = System.getenv(ExitCodes.SIMULATED_GPUS_ENV);
    if (simulated != null && !simulated.isBlank()) {
      log.println("this pod holds " + simulated.strip() + " simulated GPU(s) (the operator's rela.trainer.simulated-gpus):"
          + " training on the CPU");
    }
    log.println((devices.size() > 1 ? "devices: " : "device: ") + devices.stream().map(Device::toString)
        .collect(Collectors.joining(", ")) + ", engine " + Engine.getInstance().getEngineName() + " "
        + Engine.getInstance().getVersion() + " (flavour " + EngineReport.loadedFlavor() + ")"
        + (devices.size() > 1 ? " (data parallel)" : ""));
    return devices;
  }

  /**
   * How many GPUs this process was given: {@value ExitCodes#GPUS_ENV} (set by the operator per
   * stage: the pod's nvidia.com/gpu limit) when present, else {@code specGpus}
   * (spec.resources.gpus of the job file, for {@code rela-trainer run}).
   */
  public static int requested(String env, int specGpus) {
    if (env == null || env.isBlank()) {
      return specGpus;
    }
    try {
      int n = Integer.parseInt(env.strip());
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new io.rela.trainer.BadInputException(ExitCodes.GPUS_ENV + ": '" + env + "' is not a GPU count");
    }
  }

  /** Devices for {@code gpus} GPUs in this process: probes the engine and tries each device once. */
  public static List<Device> select(int gpus) {
    if (gpus == 0) {
      return List.of(Device.cpu());
    }
    return select(gpus, EngineReport.probe(), Accelerators::tryDevice);
  }

  /**
   * The decision, apart from the engine: {@code tryDevice} returns null when a device computes,
   * else the error it raised.
   */
  static List<Device> select(int gpus, EngineReport engine, Function<Device, String> tryDevice) {
    if (gpus == 0) {
      return List.of(Device.cpu());
    }
    String asked = "this trainer was given " + gpus + " GPU" + (gpus == 1 ? "" : "s") + " (spec.resources.gpus)";
    if (!engine.cudaBuild()) {
      throw new GpuUnavailableException(asked + " but this trainer's engine has no CUDA: " + engine.summary()
          + ". Run the trainer's -cuda image (spec.image, or the operator's default for GPU jobs).");
    }
    if (engine.devices() < gpus) {
      throw new GpuUnavailableException(asked + " but the CUDA runtime sees " + engine.devices() + ": " + engine.summary()
          + ". Check the node's NVIDIA driver, container runtime and device plugin.");
    }
    List<Device> devices = new ArrayList<>();
    for (int i = 0; i < gpus; i++) {
      Device d = Device.gpu(i);
      String error = tryDevice.apply(d);
      if (error != null) {
        throw new GpuUnavailableException(asked + " but " + d + " fails at start: " + error + " (" + engine.summary() + ")");
      }
      devices.add(d);
    }
    return devices;
  }

  /** One small matrix product on {@code device}: a CUDA error here would stop training later anyway. */
  static String tryDevice(Device device) {
    try (NDManager m = NDManager.newBaseManager(device)) {
      NDArray a = m.ones(new Shape(8, 8));
      float sum = a.matMul(a).sum().getFloat();
      return sum == 512f ? null : "a test product gave " + sum + " instead of 512";
    } catch (RuntimeException e) {
      return e.getMessage() == null ? e.getClass().getName() : e.getMessage().lines().findFirst().orElse("");
    }
  }
}
