package io.rela.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rela.trainer.PyTorch;
import io.rela.trainer.TestFiles;
import io.rela.trainer.cli.TrainerCli;
import io.rela.testinfra.Registry;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spec.export.image against a real registry (the distribution registry, htpasswd auth, plain
 * HTTP): the trainer pushes the export under /models on the busybox base, crane pulls it, and
 * PyTorch gets the same features from the pulled weights as from the export on the workspace;
 * refused credentials and an unreachable registry exit 5 naming the registry, the export kept.
 */
class ModelImageTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path BASE = Path.of(System.getProperty("user.home"), ".cache/rela-operator/images/modelcar/modelcar-base.tar");

  @TempDir
  Path dir;

  private Path job(String name, String image) throws Exception {
    Path f = TestFiles.quickJob(dir, name, 256, 1, "dataRatio: 0.5");
    Files.writeString(f, Files.readString(f) + "  export:\n    image: '" + image + "'\n    plainHttp: true\n");
    return f;
  }

  /** `rela-trainer run` with {@code dockerConfig} as DOCKER_CONFIG: exit code and output. */
  private Map.Entry<Integer, String> run(Path job, String workspace, Path dockerConfig) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true", "-Xmx2g", "-Djava.io.tmpdir=" + dir.resolve("tmp"),
        TrainerCli.class.getName(), "run", job.toString(), "--workspace-root", dir.resolve(workspace).toString(), "--quiet"));
    Files.createDirectories(dir.resolve("tmp"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(workspace + ".log").toFile());
    pb.environment().put("DOCKER_CONFIG", dockerConfig.toString());
    pb.environment().put("RELA_MODELCAR_BASE", BASE.toString());
    Process p = pb.start();
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
    return Map.entry(p.exitValue(), Files.readString(dir.resolve(workspace + ".log"), StandardCharsets.UTF_8));
  }

  private Path dockerConfig(String name, String json) throws Exception {
    Path d = Files.createDirectories(dir.resolve(name));
    Files.writeString(d.resolve("config.json"), json);
    return d;
  }

  @Test
  void theExportIsPushedAsAModelcarImageThatPyTorchLoadsAfterAPull() throws Exception {
    assertThat(BASE).as("make modelcar-base").exists();
    try (Registry registry = Registry.start(dir.resolve("registry"), "rela", "pushpass")) {
      Path creds = dockerConfig("creds", registry.dockerConfig("rela", "pushpass"));
      String tag = registry.host() + "/models/fashion-backbone:v1";
      var r = run(job("pushed", tag), "ws", creds);
      assertThat(r.getKey()).as(r.getValue()).isZero();
      Matcher m = Pattern.compile("model image pushed: (" + Pattern.quote(registry.host()) + "/models/fashion-backbone@sha256:[0-9a-f]{64})")
          .matcher(r.getValue());
      assertThat(m.find()).as(r.getValue()).isTrue();
      String byDigest = m.group(1);
      assertThat(Files.readString(dir.resolve("ws/pushed/progress.jsonl"))).contains("\"modelImage\":\"" + byDigest + "\"");

      // a second tool reads it back: the tag and the digest name one image, labelled with the run
      String digest = Registry.crane(creds, "digest", "--insecure", tag).assertSuccess().stdout().strip();
      assertThat(byDigest).endsWith("@" + digest);
      JsonNode config = JSON.readTree(Registry.crane(creds, "config", "--insecure", byDigest).assertSuccess().stdout());
      JsonNode labels = config.path("config").path("Labels");
      assertThat(labels.path("io.rela.job").asText()).isEqualTo("pushed");
      assertThat(labels.path("io.rela.data-ratio").asText()).isEqualTo("0.5");
      assertThat(labels.path("io.rela.prior").asText()).startsWith("Random");
      assertThat(labels.path("io.rela.linear-probe-accuracy").asText()).matches("0\\.\\d{4}");
      Path pulled = dir.resolve("pulled.tar");
      Registry.crane(creds, "export", "--insecure", byDigest, pulled.toString()).assertSuccess();
      Path root = Files.createDirectories(dir.resolve("pulled"));
      Map<String, byte[]> files = untar(pulled, root);
      assertThat(files.keySet()).contains("models/backbone.safetensors", "models/backbone.json", "models/rela_backbone.py",
          "models/summary.json", "bin/busybox");
      Path export = dir.resolve("ws/pushed/export");
      for (String f : List.of("backbone.safetensors", "backbone.json", "rela_backbone.py")) {
        assertThat(files.get("models/" + f)).as(f).isEqualTo(Files.readAllBytes(export.resolve(f)));
      }
      // PyTorch loads the pulled weights as the README says and gets the export's features
      String out = PyTorch.ok("pulled_model_check.py", root.resolve("models").toString(), export.toString());
      assertThat(out).contains("max |diff| = 0");
    }
  }

  @Test
  void refusedCredentialsAndAnUnreachableRegistryExit5NamingItAndKeepTheExport() throws Exception {
    try (Registry registry = Registry.start(dir.resolve("registry"), "rela", "pushpass")) {
      Path wrong = dockerConfig("wrong", registry.dockerConfig("rela", "not-the-password"));
      var refused = run(job("refused", registry.host() + "/models/refused:v1"), "ws-refused", wrong);
      assertThat(refused.getKey()).as(refused.getValue()).isEqualTo(5);
      assertThat(refused.getValue()).contains("cannot push the model image " + registry.host() + "/models/refused:v1")
          .contains("spec.export.pushSecretName").containsIgnoringCase("unauthorized");
      assertThat(dir.resolve("ws-refused/refused/export/backbone.safetensors")).exists();
      assertThat(dir.resolve("ws-refused/refused/report/summary.json")).exists();
    }
    // nothing listens there any more
    Path none = dockerConfig("none", "{\"auths\": {}}");
    var unreachable = run(job("unreachable", "127.0.0.1:9/models/unreachable:v1"), "ws-gone", none);
    assertThat(unreachable.getKey()).as(unreachable.getValue()).isEqualTo(5);
    assertThat(unreachable.getValue()).contains("cannot push the model image 127.0.0.1:9/models/unreachable:v1")
        .containsIgnoringCase("connect");
    assertThat(dir.resolve("ws-gone/unreachable/export/backbone.safetensors")).exists();
  }

  /** Extracts the regular files of a tar into {@code root}; returns their bytes by path. */
  private static Map<String, byte[]> untar(Path tar, Path root) throws Exception {
    Map<String, byte[]> files = new HashMap<>();
    try (InputStream in = Files.newInputStream(tar);
        var t = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(in)) {
      for (var e = t.getNextEntry(); e != null; e = t.getNextEntry()) {
        String name = e.getName().replaceFirst("^\\./", "").replaceFirst("^/", "");
        if (e.isFile()) {
          byte[] b = t.readAllBytes();
          files.put(name, b);
          Path out = root.resolve(name);
          Files.createDirectories(out.getParent());
          Files.write(out, b);
        } else if (e.isSymbolicLink()) {
          files.put(name, new byte[0]);
        }
      }
    }
    return files;
  }
}
