package io.rela.trainer.cli;

import io.rela.trainer.data.TurboJpeg;
import io.rela.trainer.runtime.EngineReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** What the trainer runs on here: engine, flavour, CUDA build, driver, devices, JPEG decoder, Java, cores. */
@Command(name = "env", mixinStandardHelpOptions = true, description = "Print the engine (flavour, CUDA build, driver, devices) and JPEG decoder the trainer uses here.")
final class EnvCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    System.out.println(EngineReport.probe().describe());
    System.out.println("jpeg decoder: " + TurboJpeg.describe());
    System.out.println("java: " + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors() + " cores");
    return 0;
  }
}
