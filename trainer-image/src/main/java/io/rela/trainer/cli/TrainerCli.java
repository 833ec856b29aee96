package io.rela.trainer.cli;

import io.rela.api.contract.ExitCodes;
import io.rela.trainer.BadInputException;
import io.rela.trainer.cli.bench.BenchCommand;
import io.rela.trainer.cli.bench.GpuBenchCommand;
import io.rela.trainer.cli.bench.LoaderBenchCommand;
import io.rela.trainer.cli.bench.TargetsBenchCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code rela-trainer embed | train | eval | run}. */
@Command(name = "rela-trainer", mixinStandardHelpOptions = true, version = "rela-trainer 0.1.0",
    description = "ReLA-accelerated BYOL training with DJL: prior embedding, training, linear-probe evaluation.",
    subcommands = {RunCommand.class, EmbedCommand.class, TrainCommand.class, EvalCommand.class, BenchCommand.class,
        GpuBenchCommand.class, TargetsBenchCommand.class, LoaderBenchCommand.class, EnvCommand.class})
public final class TrainerCli {

  public static void main(String[] args) {
    int code;
    try {
      code = execute(args);
    } catch (OutOfMemoryError e) {
      // an Error passes picocli's handler; left to the JVM it would end only this thread, and the
      // metrics server's threads would keep a stopped trainer alive (a pod Running for ever)
      System.err.println("error: out of Java heap (" + e.getMessage() + "); in a cluster the heap is 75 % of"
          + " spec.resources.memory: raise it");
      Runtime.getRuntime().halt(1);
      return;
    } catch (Throwable e) {
      System.err.println("failed: " + e);
      e.printStackTrace();
      Runtime.getRuntime().halt(1);
      return;
    }
    System.exit(code);
  }

  /**
   * Runs a command line; bad input exits 2 with the message, a diverged run 3, unusable GPUs 4, a
   * model image that cannot be pushed 5, other failures 1.
   */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new TrainerCli());
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      // bad input anywhere in the chain wins; else the first divergence or GPU failure
      Throwable known = null;
      int code = 1;
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof BadInputException) {
          known = c;
          code = ExitCodes.BAD_INPUT;
          break;
        }
        if (known == null && c instanceof io.rela.trainer.train.NonFiniteLossException) {
          known = c;
          code = ExitCodes.NON_FINITE_LOSS;
        } else if (known == null && c instanceof io.rela.trainer.runtime.GpuUnavailableException) {
          known = c;
          code = ExitCodes.GPU_UNAVAILABLE;
        } else if (known == null && c instanceof io.rela.trainer.export.ModelPushException) {
          known = c;
          code = ExitCodes.MODEL_PUSH_FAILED;
        }
      }
      if (known != null) {
        cmd.getErr().println("error: " + known.getMessage());
        return code;
      }
      cmd.getErr().println("failed: " + e);
      e.printStackTrace(cmd.getErr());
      return 1;
    });
    return cl.execute(args);
  }
}
