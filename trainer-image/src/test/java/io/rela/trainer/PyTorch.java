package io.rela.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a script of {@code src/test/python} with Debian's PyTorch ({@code /usr/bin/python3},
 * package python3-torch, which {@code make test} installs): the independent implementation the
 * trainer's numbers are checked against.
 */
public final class PyTorch {

  public static final String PYTHON = System.getProperty("rela.python", "/usr/bin/python3");

  /** What the script printed (stdout and stderr together) and how it exited. */
  public record Result(int exitCode, String output) {}

  private PyTorch() {}

  public static Result run(String script, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(PYTHON, Path.of("src/test/python", script).toAbsolutePath().toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(15, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException(script + " did not finish");
    }
    String text = new String(out, StandardCharsets.UTF_8);
    System.out.print(text);
    return new Result(p.exitValue(), text);
  }

  /** Runs the script and requires exit 0. */
  public static String ok(String script, String... args) throws IOException, InterruptedException {
    Result r = run(script, args);
    assertThat(r.exitCode()).as(script + " failed:\n" + r.output()).isZero();
    return r.output();
  }
}
