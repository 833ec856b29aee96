package io.rela.trainer.runtime;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * What the engine offers in this process, read once after it loaded: PyTorch's version and
 * flavour (cpu, cu128, ...), whether its libtorch is a CUDA build (and which CUDA runtime it
 * loaded), the NVIDIA driver, and how many CUDA devices that runtime sees (or the CUDA error
 * that says why none). The CUDA facts come from the very {@code libcudart} libtorch loaded
 * (found in /proc/self/maps), so they describe what training would use.
 *
 * @param cudaRuntime the loaded CUDA runtime's version ("12.6"), null for a CPU build
 * @param driver the NVIDIA driver's CUDA version ("12.4"), "none" without a driver, null for a CPU build
 * @param devices CUDA devices the runtime sees
 * @param cudaError the CUDA runtime's error when counting devices, null when none
 */
public record EngineReport(String engine, String version, String flavor, String libraryPath, String cudaRuntime,
    String driver, int devices, String cudaError) {

  /** A libtorch with CUDA: the GPU image's. */
  public boolean cudaBuild() {
    return cudaRuntime != null;
  }

  /** Probes the engine of this process (loading it if needed). */
  public static EngineReport probe() {
    Engine engine = Engine.getInstance();
    String libDir = LibUtils.getLibtorchPath();
    String flavor = flavor(System.getenv("PYTORCH_FLAVOR"), libDir);
    Optional<Path> cudart = loadedLibrary("libcudart.so");
    if (cudart.isEmpty()) {
      return new EngineReport(engine.getEngineName(), engine.getVersion(), flavor, libDir, null, null, 0, null);
    }
    Cudart rt = Native.load(cudart.get().toString(), Cudart.class);
    IntByReference v = new IntByReference();
    String runtime = rt.cudaRuntimeGetVersion(v) == 0 ? version(v.getValue()) : "unknown";
    // 0 when no driver is installed (no libcuda.so.1 in the container)
    String driver = rt.cudaDriverGetVersion(v) == 0 && v.getValue() > 0 ? version(v.getValue()) : "none";
    IntByReference count = new IntByReference();
    int err = rt.cudaGetDeviceCount(count);
    String error = err == 0 ? null : rt.cudaGetErrorString(err) + " (CUDA error " + err + ")";
    return new EngineReport(engine.getEngineName(), engine.getVersion(), flavor, libDir, runtime, driver,
        err == 0 ? count.getValue() : 0, error);
  }

  /** The flavour of the libtorch this process loaded (cpu, cu128, ...). */
  public static String loadedFlavor() {
    Engine.getInstance();
    return flavor(System.getenv("PYTORCH_FLAVOR"), LibUtils.getLibtorchPath());
  }

  /** "engine: PyTorch 2.7.1 (flavour cu128) ..." lines, as `rela-trainer env` prints them. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    b.append("engine: ").append(engine).append(' ').append(version).append('\n');
    b.append("flavour: ").append(flavor).append(" (libtorch ").append(libraryPath).append(")\n");
    b.append("cuda build: ").append(cudaBuild() ? "yes, CUDA runtime " + cudaRuntime : "no").append('\n');
    if (cudaBuild()) {
      b.append("nvidia driver: ").append("none".equals(driver) ? "none found (no libcuda.so.1)" : "CUDA " + driver).append('\n');
    }
    b.append("cuda devices: ").append(devices).append(cudaError == null ? "" : " (" + cudaError + ")");
    return b.toString();
  }

  /** One line for messages. */
  public String summary() {
    return engine + " " + version + ", flavour " + flavor
        + (cudaBuild() ? ", CUDA runtime " + cudaRuntime + ", driver " + driver + ", " + devices + " CUDA device(s)"
            + (cudaError == null ? "" : " (" + cudaError + ")") : ", no CUDA build");
  }

  private static final java.util.regex.Pattern FLAVOR_IN_DIR = java.util.regex.Pattern.compile("-((?:cpu|cu[0-9]+)(?:-precxx11)?)-");

  /** The flavour DJL was told (PYTORCH_FLAVOR), else read from its cache folder name (version-flavour-classifier). */
  static String flavor(String env, String libDir) {
    if (env != null && !env.isBlank()) {
      return env;
    }
    String dir = libDir == null ? "" : Path.of(libDir).getFileName().toString();
    java.util.regex.Matcher m = FLAVOR_IN_DIR.matcher(dir);
    return m.find() ? m.group(1) : "unknown";
  }

  /** CUDA's integer version (12060) as "12.6". */
  static String version(int v) {
    return String.format(Locale.ROOT, "%d.%d", v / 1000, (v % 1000) / 10);
  }

  /** The path of a shared library this process has mapped whose file name starts with {@code prefix}. */
  static Optional<Path> loadedLibrary(String prefix) {
    try {
      return Files.readAllLines(Path.of("/proc/self/maps")).stream()
          .map(l -> l.indexOf('/') < 0 ? "" : l.substring(l.indexOf('/')))
          .filter(p -> !p.isEmpty() && Path.of(p).getFileName().toString().startsWith(prefix))
          .findFirst().map(Path::of);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The CUDA runtime calls the probe needs. */
  interface Cudart extends Library {
    int cudaGetDeviceCount(IntByReference count);

    int cudaRuntimeGetVersion(IntByReference version);

    int cudaDriverGetVersion(IntByReference version);

    String cudaGetErrorString(int error);
  }
}
