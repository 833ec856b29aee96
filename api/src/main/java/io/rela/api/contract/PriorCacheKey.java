package io.rela.api.contract;

import java.util.Locale;

/**
 * The one definition of a prior embedding's key in the shared cache. It is made from content,
 * never from names: the dataset's identity (format, location, sample count, and for files their
 * sizes), the prior's identity (a TorchScript file's SHA-256; a Job prior's source job UID and
 * final checkpoint's SHA-256; the Random prior's architecture, channels, seed and init), the
 * input size and the version of the prior's preprocessing. A file replaced at the same path, a
 * source job retrained under the same name, or a change of preprocessing therefore gets a new
 * key and is embedded again, never served stale.
 *
 * <p>The trainer computes the key (it can read the content); the operator only records the key
 * the trainer reported and never hands one to the trainer.
 */
public final class PriorCacheKey {

  /**
   * Bumped whenever the pixels a prior sees change for the same inputs. 2: decoded at full
   * resolution, the shorter side resized with antialiasing (torchvision's Resize) to the input
   * size, the centre cropped, channels adapted, normalised.
   */
  public static final int PREPROCESSING_VERSION = 2;

  private PriorCacheKey() {}

  /** The key: 24 hex digits of SHA-256 over the three identities and the preprocessing version. */
  public static String of(String datasetIdentity, String priorIdentity, int inputSize) {
    return Sha256.hex("dataset=" + datasetIdentity + "\nprior=" + priorIdentity + "\ninputSize=" + inputSize
        + "\npreprocessing=" + PREPROCESSING_VERSION, Sha256.KEY_HEX);
  }

  /** The Random prior: the student's initial backbone (or an independently seeded one). */
  public static String randomPrior(String backbone, boolean smallImageStem, int channels, long seed, boolean independent) {
    return String.format(Locale.ROOT, "random:%s:stem=%s:c=%d:seed=%d%s", backbone.toLowerCase(Locale.ROOT),
        smallImageStem, channels, seed, independent ? ":independent" : "");
  }

  /** A TorchScript file, by the SHA-256 of its bytes. */
  public static String torchScriptPrior(String fileSha256) {
    return "torchscript:" + fileSha256;
  }

  /** The backbone another job trained: that job's UID (null outside a cluster) and its checkpoint's SHA-256. */
  public static String jobPrior(String sourceJobUid, String checkpointSha256) {
    return "job:" + (sourceJobUid == null ? "local" : sourceJobUid) + ":" + checkpointSha256;
  }

}
