package io.rela.trainer.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rela.api.contract.Sha256;
import io.rela.trainer.AtomicFiles;
import io.rela.trainer.BadInputException;
import io.rela.trainer.Workspace;
import io.rela.trainer.config.JobSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which run a workspace and its checkpoints belong to: the job's name, its UID (in a cluster;
 * null for a local file without one) and a hash of the training-relevant spec. Nothing is resumed
 * from a workspace or checkpoint of another identity, so a job re-created with the same name, two
 * jobs sharing one claim or an edited file never continue (and report) each other's weights.
 *
 * @param job the job's name
 * @param uid the job's metadata.uid, null outside a cluster unless the file sets one
 * @param specHash SHA-256 of the spec groups that change what training computes
 */
public record RunIdentity(String job, String uid, String specHash) {

  /** The workspace's identity file. */
  public static final String FILE = "run-identity.json";
  private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  /**
   * The identity of {@code s}: dataset, prior, model, training and rela, less the settings that
   * do not change the result (data-loader threads, checkpoint interval) and evaluation.
   */
  public static RunIdentity of(JobSettings s) {
    Map<String, Object> relevant = new LinkedHashMap<>();
    relevant.put("dataset", s.data());
    relevant.put("prior", s.prior());
    relevant.put("model", s.model());
    var t = s.training();
    relevant.put("training", new JobSettings.Training(t.epochs(), t.batchSize(), t.learningRate(), t.weightDecay(),
        t.momentum(), t.seed(), 0, t.onlineClassifier(), 0, t.maxSamples()));
    relevant.put("rela", s.rela());
    try {
      byte[] canonical = JSON.writeValueAsString(relevant).getBytes(StandardCharsets.UTF_8);
      return new RunIdentity(s.name(), s.uid(), Sha256.hex(canonical));
    } catch (IOException e) {
      throw new IllegalStateException("cannot hash the spec", e);
    }
  }

  /** Whether a checkpoint or workspace of identity {@code other} is this run's own. */
  public boolean owns(RunIdentity other) {
    return other != null && Objects.equals(job, other.job) && Objects.equals(uid, other.uid)
        && Objects.equals(specHash, other.specHash);
  }

  /**
   * Refuses (exit 2) to {@code doing} another run's weights: {@code checkpoint} must be this
   * run's own. {@code where} prefixes the message (the workspace, when the file name alone is given).
   */
  public void requireOwn(Checkpoint.Loaded checkpoint, String where, String doing) {
    if (!owns(checkpoint.meta.run())) {
      throw new BadInputException(where + (where.isEmpty() ? checkpoint.file : checkpoint.file.getFileName())
          + " was written by " + (checkpoint.meta.run() == null ? "a run of unknown identity" : checkpoint.meta.run())
          + ", not by this run, " + this + ": refusing to " + doing + " another run's weights");
    }
  }

  @Override
  public String toString() {
    return "job " + job + " (uid " + (uid == null ? "none" : uid) + ", spec "
        + (specHash == null ? "unknown" : specHash.substring(0, Math.min(12, specHash.length()))) + ")";
  }

  /**
   * Claims {@code root} for this run: writes the identity file into a new workspace, accepts a
   * workspace of this run, and refuses (exit 2, naming {@code where} and both identities) one
   * that holds another run, unless {@code fresh}: then that run's checkpoints and results are
   * moved aside into {@code previous-run-<time>/} and this run starts from scratch.
   */
  public void claim(Path root, String where, boolean fresh, java.util.function.Consumer<String> log) throws IOException {
    Path file = root.resolve(FILE);
    RunIdentity found = null;
    if (Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try {
        found = JSON.readValue(file.toFile(), RunIdentity.class);
      } catch (IOException e) {
        found = new RunIdentity("unreadable " + FILE, null, null);
      }
    } else if (Checkpoint.list(root.resolve(Workspace.CHECKPOINTS)).isEmpty()) {
      Files.createDirectories(root);
      AtomicFiles.write(file, JSON.writeValueAsBytes(this));
      return;
    } else {
      found = new RunIdentity("unknown (checkpoints without " + FILE + ")", null, null);
    }
    if (owns(found)) {
      return;
    }
    if (!fresh) {
      throw new BadInputException(where + " holds the files of " + found + ", not of this run, " + this
          + ": refusing to resume or overwrite another run's weights. Give this run its own workspace (a new"
          + " claim, or the old job's name), empty it, or start fresh (rela-trainer run --fresh)");
    }
    Path aside = root.resolve("previous-run-" + java.time.Instant.now().toString().replace(':', '-'));
    Files.createDirectories(aside);
    for (String name : java.util.stream.Stream.concat(Workspace.RUN_FILES.stream(), java.util.stream.Stream.of(FILE)).toList()) {
      if (Files.exists(root.resolve(name), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.move(root.resolve(name), aside.resolve(name));
      }
    }
    log.accept("starting fresh: the files of " + found + " were moved to " + aside);
    AtomicFiles.write(file, JSON.writeValueAsBytes(this));
  }
}
