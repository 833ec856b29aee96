package io.rela.trainer.export;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.CredentialRetriever;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;
import io.rela.api.contract.Mounts;
import io.rela.api.contract.ProgressReport;
import io.rela.api.contract.TrainerConfig;
import io.rela.trainer.BadInputException;
import io.rela.trainer.Workspace;
import io.rela.trainer.config.JobSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The backbone export as an OCI image, pushed with Jib's core library (no daemon): the export's
 * files and the run summary under /models, as KServe's modelcars expect, on a base with a shell
 * (the trainer image's {@value TrainerConfig#MODELCAR_BASE}), labelled with the job, its UID, the
 * data ratio, the prior and the accuracies.
 */
public final class ModelImage {

  /** The image's own description of the run, as OCI labels. */
  public record Provenance(String job, String uid, double dataRatio, String prior, ProgressReport result) {}

  private ModelImage() {}

  /**
   * Pushes {@code exportDir} and {@code summary} to {@code reference}; returns
   * {@code <registry>/<repository>@sha256:<digest>}. Credentials come from {@code dockerConfig}
   * (a .dockerconfigjson / config.json) when it exists.
   */
  public static String push(String reference, boolean plainHttp, Path exportDir, Path summary, Path dockerConfig, Path base,
      Path cacheDir, Provenance provenance, PrintStream log) throws InterruptedException {
    ImageReference ref;
    try {
      ref = ImageReference.parse(reference);
    } catch (InvalidImageReferenceException e) {
      throw new BadInputException("spec.export.image: '" + reference + "' is not an image reference");
    }
    if (!Files.isDirectory(exportDir)) {
      throw new BadInputException(exportDir + ": no export to push");
    }
    long t0 = System.nanoTime();
    if (plainHttp) {
      // the spec allowed a registry without TLS: Jib then also sends its credentials in the clear
      System.setProperty(com.google.cloud.tools.jib.global.JibSystemProperties.SEND_CREDENTIALS_OVER_HTTP, "true");
    }
    // a registry that does not answer fails the push within a minute, not Jib's default
    System.setProperty(com.google.cloud.tools.jib.global.JibSystemProperties.HTTP_TIMEOUT, "60000");
    try {
      RegistryImage target = RegistryImage.named(ref);
      if (dockerConfig != null && Files.isRegularFile(dockerConfig)) {
        CredentialRetriever fromFile = CredentialRetrieverFactory.forImage(ref, e -> { }).dockerConfig(dockerConfig);
        target.addCredentialRetriever(fromFile);
      }
      boolean withShell = base != null && Files.isRegularFile(base);
      JibContainerBuilder image = withShell ? Jib.from(TarImage.at(base).named("rela/modelcar-base")) : Jib.fromScratch();
      if (!withShell) {
        log.println("model image: no base with a shell (" + TrainerConfig.MODELCAR_BASE + "): the image holds /models only,"
            + " which KServe's modelcars cannot run");
      }
      FileEntriesLayer.Builder models = FileEntriesLayer.builder().setName("models")
          .addEntryRecursive(exportDir, AbsoluteUnixPath.get("/models"));
      if (summary != null && Files.isRegularFile(summary)) {
        models.addEntry(summary, AbsoluteUnixPath.get("/models/summary.json"));
      }
      JibContainer pushed = image.addFileEntriesLayer(models.build())
          .setLabels(labels(provenance))
          .setFormat(ImageFormat.OCI)
          .setCreationTime(Instant.now())
          .containerize(Containerizer.to(target)
              .setAllowInsecureRegistries(plainHttp)
              .setBaseImageLayersCache(cacheDir.resolve("base"))
              .setApplicationLayersCache(cacheDir.resolve("layers"))
              .setToolName("rela-trainer"));
      String digestRef = ref.getRegistry() + "/" + ref.getRepository() + "@" + pushed.getDigest();
      log.printf("model image pushed: %s (tag %s, %.1f s)%n", digestRef, ref.getQualifier(), (System.nanoTime() - t0) / 1e9);
      return digestRef;
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw new ModelPushException("cannot push the model image " + reference + " (spec.export.image): " + io.rela.trainer.FailureText.of(e)
          + ". The evaluation and the export on the workspace are kept; fix the registry, its credentials"
          + " (spec.export.pushSecretName) or spec.export.plainHttp, then retry the job.", e);
    }
  }

  /** OCI labels describing the run: who made the weights, from what, and how good they are. */
  static Map<String, String> labels(Provenance p) {
    Map<String, String> l = new LinkedHashMap<>();
    l.put("org.opencontainers.image.title", p.job() + " backbone");
    l.put("org.opencontainers.image.description", "ReLA-trained backbone (safetensors, torchvision names) under /models");
    l.put("io.rela.job", p.job());
    if (p.uid() != null) {
      l.put("io.rela.job-uid", p.uid());
    }
    l.put("io.rela.data-ratio", String.valueOf(p.dataRatio()));
    l.put("io.rela.prior", p.prior());
    ProgressReport r = p.result();
    if (r.linearProbeAccuracy != null) {
      l.put("io.rela.linear-probe-accuracy", String.format(Locale.ROOT, "%.4f", r.linearProbeAccuracy));
    }
    if (r.knnAccuracy != null) {
      l.put("io.rela.knn-accuracy", String.format(Locale.ROOT, "%.4f", r.knnAccuracy));
    }
    return l;
  }

  /**
   * Pushes a job's export and report summary as its spec.export.image, labelled with the job, its
   * prior and its scores; the pushed reference (with digest).
   */
  public static String publish(JobSettings s, Workspace ws, ProgressReport result, PrintStream log)
      throws IOException, InterruptedException {
    String prior = s.prior().type() + (s.prior().uri() != null ? " " + s.prior().uri() : "")
        + (s.prior().sha256() != null ? " sha256:" + s.prior().sha256() : "");
    return push(s.export().image(), s.export().plainHttp(), ws.exportDir(), ws.reportDir().resolve("summary.json"),
        dockerConfig(), base(), cacheDir(), new Provenance(s.name(), s.uid(), s.rela().dataRatio(), prior, result), log);
  }

  /** The registry credentials: the Secret mounted into the evaluation pod, else (local runs) DOCKER_CONFIG or ~/.docker. */
  public static Path dockerConfig() {
    Path mounted = Path.of(Mounts.REGISTRY_AUTH, TrainerConfig.REGISTRY_AUTH_KEY);
    if (Files.isRegularFile(mounted)) {
      return mounted;
    }
    String dir = System.getenv("DOCKER_CONFIG");
    Path local = dir != null && !dir.isBlank() ? Path.of(dir, "config.json")
        : Path.of(System.getProperty("user.home"), ".docker", "config.json");
    return Files.isRegularFile(local) ? local : null;
  }

  /** The base with a shell: the trainer image's, else RELA_MODELCAR_BASE (local runs), else none. */
  public static Path base() {
    Path inImage = Path.of(TrainerConfig.MODELCAR_BASE);
    if (Files.isRegularFile(inImage)) {
      return inImage;
    }
    String env = System.getenv("RELA_MODELCAR_BASE");
    return env == null || env.isBlank() ? null : Path.of(env);
  }

  /** Where Jib keeps layers: under the writable /tmp (the root filesystem is read-only). */
  public static Path cacheDir() throws IOException {
    return Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "rela-jib"));
  }
}
