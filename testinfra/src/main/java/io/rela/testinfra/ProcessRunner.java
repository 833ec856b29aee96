package io.rela.testinfra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command line tool (kubectl, helm) to completion and captures what it printed. */
public final class ProcessRunner {

  /** What a finished command printed and returned. */
  public record Result(int exitCode, String stdout, String stderr) {
    public Result assertSuccess() {
      if (exitCode != 0) {
        throw new AssertionError("command failed with exit code " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr);
      }
      return this;
    }
  }

  private ProcessRunner() {}

  public static Result run(List<String> command, Map<String, String> env, Path workDir, long timeoutSeconds) {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command));
    pb.environment().putAll(env);
    if (workDir != null) {
      pb.directory(workDir.toFile());
    }
    try {
      Process p = pb.start();
      var out = p.getInputStream();
      var err = p.getErrorStream();
      var outF = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(out));
      var errF = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(err));
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out after " + timeoutSeconds + "s: " + command);
      }
      return new Result(p.exitValue(), outF.join(), errF.join());
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String readAll(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
