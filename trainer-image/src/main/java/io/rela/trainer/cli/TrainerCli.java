package io.rela.trainer.cli;

import io.rela.trainer.BadInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rela-trainer embed | train | eval | run}. */
@Command(name = "rela-trainer", mixinStandardHelpOptions = true, version = "rela-trainer 0.1.0",
    description = "ReLA-accelerated BYOL training with DJL: prior embedding, training, linear-probe evaluation.",
    subcommands = {RunCommand.class, EmbedCommand.class, TrainCommand.class, EvalCommand.class, BenchCommand.class,
        GpuBenchCommand.class, TargetsBenchCommand.class, LoaderBenchCommand.class, EnvCommand.class})
public final class TrainerCli {

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line; bad input exits 2 with the message, a diverged run 3, unusable GPUs 4, other failures 1. */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new TrainerCli());
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      Throwable t = e;
      while (t != null && !(t instanceof BadInputException)) {
        t = t.getCause();
      }
      if (t != null) {
        cmd.getErr().println("error: " + t.getMessage());
        return BadInputException.EXIT_CODE;
      }
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof io.rela.trainer.train.NonFiniteLossException n) {
          cmd.getErr().println("error: " + n.getMessage());
          return io.rela.trainer.train.NonFiniteLossException.EXIT_CODE;
        }
        if (c instanceof io.rela.trainer.runtime.GpuUnavailableException g) {
          cmd.getErr().println("error: " + g.getMessage());
          return io.rela.trainer.runtime.GpuUnavailableException.EXIT_CODE;
        }
      }
      cmd.getErr().println("failed: " + e);
      e.printStackTrace(cmd.getErr());
      return 1;
    });
    return cl.execute(args);
  }
}
