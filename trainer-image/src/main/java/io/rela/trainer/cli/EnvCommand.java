package io.rela.trainer.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.rela.trainer.data.TurboJpeg;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/** What the trainer runs on here: engine, devices, JPEG decoder, Java, cores. */
@Command(name = "env", mixinStandardHelpOptions = true, description = "Print the engine, devices and JPEG decoder the trainer uses here.")
final class EnvCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    Engine engine = Engine.getInstance();
    System.out.println("engine: " + engine.getEngineName() + " " + engine.getVersion());
    System.out.println("devices: " + Arrays.stream(engine.getDevices()).map(Device::toString).collect(Collectors.joining(", ")));
    System.out.println("jpeg decoder: " + TurboJpeg.describe());
    System.out.println("java: " + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors() + " cores");
    return 0;
  }
}
